package io.cistern.node.process;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.node.NodeGuardian;
import io.cistern.config.CisternSettings;
import io.cistern.config.DriveSettings;
import io.cistern.config.SettingsException;
import io.cistern.config.SettingsReader;
import io.cistern.node.data.NodeDrives;
import io.cistern.storage.DriveDiscovery;
import io.cistern.storage.DriveException;
import io.cistern.storage.LocalDrive;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Brings a drive into this node while it runs, the two ways an administrator adds one: {@code cistern
 * drive add} (through the API), or a drive added to the node's configuration file, which is looked at
 * again whenever it changes. Either way the drive is checked and stamped as at a start
 * ({@link DriveDiscovery}), its extent store opened in the data plane ({@link NodeDrives}), and it is
 * registered with the pool and pinned here ({@link NodeGuardian.AddDrive}); the health monitor's
 * rebalancing then moves copies onto it. {@code drive add} also appends the drive to the configuration
 * file, so the next start finds it.
 * <p>
 * Joins run one at a time on a thread of their own (each blocks on the disk, and two joins of the same
 * path must not race to stamp it); the pool's verdict is awaited without holding that thread, and a
 * refusal, however late, takes the drive out of the data plane and the configuration file again.
 */
public final class DriveJoiner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DriveJoiner.class);

    /** How a join ended, as the API reports it. */
    public enum Outcome
    {
        /** Registered and pinned: the drive takes extents now. */
        JOINED,
        /** Opened and announced, but the pool has not answered yet (or not in the caller's time); registration goes on. */
        PENDING,
        /** The path cannot be a drive (missing, unwritable, someone else's data...). */
        BAD_DRIVE,
        /** Already a drive of this node, or the pool says the drive id is another node's. */
        CONFLICT,
        /** The node could not do its part (open the store, write its configuration file). */
        FAILED
    }

    /**
     * @param status the drive's status in the pool when it joined (null unless JOINED).
     * @param detail what happened, for a person.
     */
    public record Result(Outcome outcome, String driveId, DriveStatus status, String detail)
    {
    }

    /**
     * How long a join waits for the pool's verdict. The registrar tries again until the pool accepts or
     * refuses the drive, so the verdict comes unless the node stops; the API answers long before (202).
     */
    private static final Duration VERDICT_PATIENCE = Duration.ofHours(1);
    private static final Duration RETRY_PROBLEMS = Duration.ofSeconds(30);

    private final CisternSettings settings;
    private final NodeConfigFile config;
    private final NodeDrives drives;
    private final ActorSystem<NodeGuardian.Command> system;
    private final String address;
    private final DriveDiscovery discovery = new DriveDiscovery(Clock.systemUTC());
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DataPlane.daemon("drive-join"));
    /** The configuration file's time when it was last read without a problem left over; join thread only. */
    private long configSeen;
    /** What the last look at the configuration file found wrong, logged once until it changes; join thread only. */
    private String configProblem = "";
    /** The file's time when a look found a problem, and when to look again though it has not changed since. */
    private long configTried = -1;
    private long retryAt;

    DriveJoiner(final CisternSettings settings, final NodeConfigFile config, final NodeDrives drives,
                final ActorSystem<NodeGuardian.Command> system, final String address)
    {
        this.settings = settings;
        this.config = config;
        this.drives = drives;
        this.system = system;
        this.address = address;
        this.configSeen = config.lastModified();
    }

    /** Looks at the configuration file every {@code interval} and joins drives added to it. */
    void watchConfig(final Duration interval)
    {
        thread.scheduleWithFixedDelay(this::rescan, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's name, which {@code drive add} must name. */
    public String nodeName()
    {
        return settings.node().name();
    }

    /** The media type of a drive that declares none. */
    public io.cistern.config.MediaType defaultMediaType()
    {
        return settings.node().defaultMediaType();
    }

    /**
     * Joins a drive and appends it to the configuration file ({@code cistern drive add}).
     *
     * @param answerWithin when the answer is due (an HTTP request's patience): a join still waiting for the
     *                     pool's verdict then is answered PENDING, and goes on.
     */
    public CompletableFuture<Result> add(final DriveSettings drive, final Duration answerWithin)
    {
        final CompletableFuture<Result> verdict = new CompletableFuture<>();
        thread.execute(() -> join(drive, true, verdict));
        return verdict.completeOnTimeout(new Result(Outcome.PENDING, null, null, drive.path() + " is being added to " +
            settings.node().name() + ", and the pool has not answered yet; cistern drive list shows it once the pool has it"),
            answerWithin.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Joins the drives the configuration file lists that this node does not have yet, when the file has
     * changed, or while what it lists could not all join (a directory not made yet, say).
     */
    private void rescan()
    {
        try
        {
            final long modified = config.lastModified();
            final long now = System.currentTimeMillis();
            if (modified == configSeen || modified == configTried && now < retryAt)
            {
                return;
            }
            // A problem the file did not change for (a directory not made yet) is looked at again now and then,
            // not at every interval: each try writes a probe file into the directory.
            configTried = modified;
            retryAt = now + RETRY_PROBLEMS.toMillis();
            final List<DriveSettings> listed;
            try
            {
                listed = SettingsReader.load(config.path()).node().drives();
            }
            catch (final SettingsException ex)
            {
                problem(config.path() + " is not valid, so no drive added to it joins until it is: " + String.join("; ", ex.problems()));
                return;
            }
            String failed = "";
            for (final DriveSettings drive : listed)
            {
                if (drives.idAt(drive.path()) == null)
                {
                    final CompletableFuture<Result> verdict = new CompletableFuture<>();
                    join(drive, false, verdict);
                    verdict.thenAccept(result -> LOG.info("Drive {} at {}, listed in {}: {}", result.driveId(), drive.path(),
                        config.path(), result.detail()));
                    final Result refused = verdict.getNow(null);
                    if (refused != null && refused.outcome() != Outcome.JOINED)
                    {
                        failed += (failed.isEmpty() ? "" : "; ") + refused.detail();
                    }
                }
            }
            if (failed.isEmpty())
            {
                configSeen = modified;
                configProblem = "";
            }
            else
            {
                problem("drive(s) listed in " + config.path() + " did not join (tried again while the file lists them): " + failed);
            }
        }
        catch (final RuntimeException ex)
        {
            // Caught, or the scheduler would quietly stop looking at the file for good.
            problem(config.path() + " cannot be looked at: " + ex);
        }
    }

    private void problem(final String problem)
    {
        if (!problem.equals(configProblem))
        {
            LOG.error(problem);
            configProblem = problem;
        }
    }

    /**
     * Checks, opens and announces one drive on the join thread, and completes {@code verdict} when the pool
     * has answered (or at once if the drive cannot join). A drive the pool refuses leaves the data plane and
     * the configuration file again, however late the refusal comes.
     */
    private void join(final DriveSettings drive, final boolean persist, final CompletableFuture<Result> verdict)
    {
        final String known = drives.idAt(drive.path());
        if (known != null)
        {
            verdict.complete(new Result(Outcome.CONFLICT, known, null, drive.path() + " is already drive " + known + " of " +
                settings.node().name()));
            return;
        }
        final LocalDrive local;
        try
        {
            local = discovery.open(drive, settings.node().faultDomain(), drives.paths());
        }
        catch (final DriveException ex)
        {
            verdict.complete(new Result(Outcome.BAD_DRIVE, null, null, ex.getMessage()));
            return;
        }
        catch (final IOException ex)
        {
            verdict.complete(new Result(Outcome.BAD_DRIVE, null, null, drive.path() + ": " + ex));
            return;
        }
        final String id = local.header().id().toString();
        if (drives.pathOf(id) != null)
        {
            verdict.complete(new Result(Outcome.CONFLICT, id, null, drive.path() + " has the drive id " + id + " of this node's drive at " +
                drives.pathOf(id) + " (a copied drive directory?); each drive must have its own header"));
            return;
        }
        // Before the data plane has it: a store holding another node's drive id would pass for that drive
        // here, and this node would keep writes meant for it. The Drive entity refuses it too, later.
        final String owner;
        try
        {
            owner = ownerElsewhere(id);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            verdict.complete(new Result(Outcome.FAILED, id, null, "the pool did not say in time whether drive " + id + " at " +
                drive.path() + " is another node's (" + ex + "); nothing was changed, try again"));
            return;
        }
        if (owner != null)
        {
            verdict.complete(new Result(Outcome.CONFLICT, id, null, drive.path() + " has the drive id " + id + " of " + owner +
                " (a copied drive directory?); a drive belongs to one node"));
            return;
        }
        try
        {
            drives.add(local);
        }
        catch (final IOException ex)
        {
            verdict.complete(new Result(Outcome.FAILED, id, null, drive.path() + ": its extent store cannot be opened: " + ex));
            return;
        }
        final NodeConfigFile.Change change;
        try
        {
            change = persist ? config.appendDrive(drive, Clock.systemUTC().instant()) : NodeConfigFile.Change.NONE;
        }
        catch (final IOException ex)
        {
            drives.remove(id);
            verdict.complete(new Result(Outcome.FAILED, id, null, "the drive was not added: " + config.path() +
                " cannot take it, and a drive this node does not find at its next start must not take extents: " + ex.getMessage()));
            return;
        }
        LOG.info("Drive {} at {}: {} {} bytes ({}); registering it with the pool", id, local.path(), local.header().mediaType(),
            local.header().capacityBytes(), local.stamped() ? "new, header stamped" : "recognised");
        final DriveInfo info = NodeRunner.driveInfos(settings, List.of(local), address).get(0);
        AskPattern.<NodeGuardian.Command, StatusReply<DriveStatus>>ask(system, replyTo -> new NodeGuardian.AddDrive(info, replyTo),
                VERDICT_PATIENCE, system.scheduler())
            .whenCompleteAsync((reply, failure) ->
            {
                if (failure != null)
                {
                    LOG.error("Drive {} at {} has had no answer from the pool for {}: {}; it stays open on this node", id,
                        local.path(), VERDICT_PATIENCE, failure.toString());
                    verdict.complete(new Result(Outcome.PENDING, id, null, "the pool has not answered: " + failure));
                }
                else if (reply.isError())
                {
                    // Refused before anything could be placed on it: it leaves the data plane and the file again.
                    drives.remove(id);
                    unpersist(change);
                    LOG.error("Drive {} at {} was refused by the pool and is not used{}: {}", id, local.path(),
                        persist ? "" : "; remove it from " + config.path() + ", or the node refuses to start",
                        reply.getError().getMessage());
                    verdict.complete(new Result(Outcome.CONFLICT, id, null, "the pool refused drive " + id + ": " +
                        reply.getError().getMessage()));
                }
                else
                {
                    final DriveStatus status = reply.getValue();
                    verdict.complete(new Result(Outcome.JOINED, id, status, status.health() == DriveHealth.HEALTHY ?
                        "joined the pool; rebalancing moves copies onto it" :
                        "is in the pool again but " + status.health() + " (" + status.detail() + "), so it takes no extents"));
                }
            }, thread);
    }

    /**
     * Where the pool has this drive id on another node, or null if it has not.
     *
     * @throws TimeoutException if this node's pool view did not answer: better no join than one that may
     *                          shadow another node's drive.
     */
    private String ownerElsewhere(final String id) throws ExecutionException, TimeoutException
    {
        final Duration timeout = settings.health().askTimeout();
        final List<DriveStatus> pool;
        try
        {
            pool = AskPattern.<NodeGuardian.Command, List<DriveStatus>>ask(system, NodeGuardian.GetDrives::new, timeout,
                system.scheduler()).toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
        for (final DriveStatus drive : pool)
        {
            if (drive.id().equals(id) && !drive.info().node().equals(settings.node().name()))
            {
                return "drive " + drive.info().path() + " of " + drive.info().node();
            }
        }
        return null;
    }

    private void unpersist(final NodeConfigFile.Change change)
    {
        try
        {
            if (!config.undo(change))
            {
                LOG.error("{} has changed since drive add appended a drive the pool then refused; remove that drive from it by hand " +
                    "before the node's next start", config.path());
            }
        }
        catch (final IOException ex)
        {
            LOG.error("{} still lists a drive the pool refused; remove it by hand before the next start: {}", config.path(),
                ex.getMessage());
        }
    }

    @Override
    public void close()
    {
        thread.shutdownNow();
    }
}
