package io.cistern.node;

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
 * Joins run one at a time on a thread of their own: each blocks on the disk and on the pool's answer,
 * and two joins of the same path must not race to stamp it.
 */
public final class DriveJoiner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DriveJoiner.class);

    /** How a join ended, as the API reports it. */
    public enum Outcome
    {
        /** Registered and pinned: the drive takes extents now. */
        JOINED,
        /** Opened and announced, but the pool has not answered yet; registration goes on. */
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

    private final CisternSettings settings;
    private final NodeConfigFile config;
    private final NodeDrives drives;
    private final ActorSystem<NodeGuardian.Command> system;
    private final String address;
    private final DriveDiscovery discovery = new DriveDiscovery(Clock.systemUTC());
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "drive-join");
        t.setDaemon(true);
        return t;
    });
    private long configSeen;

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

    /** Joins a drive and, if it joined or is joining, appends it to the configuration file ({@code cistern drive add}). */
    public CompletableFuture<Result> add(final DriveSettings drive)
    {
        return CompletableFuture.supplyAsync(() -> join(drive, true), thread);
    }

    /** Joins the drives the configuration file lists that this node does not have yet, if the file changed. */
    private void rescan()
    {
        final long modified = config.lastModified();
        if (modified == configSeen)
        {
            return;
        }
        configSeen = modified;
        final List<DriveSettings> listed;
        try
        {
            listed = SettingsReader.load(config.path()).node().drives();
        }
        catch (final SettingsException ex)
        {
            LOG.error("{} changed but is not valid, so no drive in it joins until it is: {}", config.path(),
                String.join("; ", ex.problems()));
            return;
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{} changed but cannot be read: {}", config.path(), ex.toString());
            return;
        }
        for (final DriveSettings drive : listed)
        {
            if (drives.idAt(drive.path()) == null)
            {
                final Result result = join(drive, false);
                if (result.outcome() == Outcome.JOINED || result.outcome() == Outcome.PENDING)
                {
                    LOG.info("Drive {} at {}, added to {}, {}", result.driveId(), drive.path(), config.path(), result.detail());
                }
                else
                {
                    LOG.error("Drive at {}, added to {}, did not join: {}", drive.path(), config.path(), result.detail());
                }
            }
        }
    }

    private Result join(final DriveSettings drive, final boolean persist)
    {
        final String known = drives.idAt(drive.path());
        if (known != null)
        {
            return new Result(Outcome.CONFLICT, known, null, drive.path() + " is already drive " + known + " of " + settings.node().name());
        }
        final LocalDrive local;
        try
        {
            local = discovery.open(drive, settings.node().faultDomain());
        }
        catch (final DriveException ex)
        {
            return new Result(Outcome.BAD_DRIVE, null, null, ex.getMessage());
        }
        catch (final IOException ex)
        {
            return new Result(Outcome.BAD_DRIVE, null, null, drive.path() + ": " + ex);
        }
        final String id = local.header().id().toString();
        if (drives.pathOf(id) != null)
        {
            return new Result(Outcome.CONFLICT, id, null, drive.path() + " has the drive id " + id + " of this node's drive at " +
                drives.pathOf(id) + " (a copied drive directory?); each drive must have its own header");
        }
        // Before the data plane has it: a store holding another node's drive id would pass for that drive
        // here, and this node would keep writes meant for it. The Drive entity refuses it too, later.
        final String owner = ownerElsewhere(id);
        if (owner != null)
        {
            return new Result(Outcome.CONFLICT, id, null, drive.path() + " has the drive id " + id + " of " + owner +
                " (a copied drive directory?); a drive belongs to one node");
        }
        try
        {
            drives.add(local);
        }
        catch (final IOException ex)
        {
            return new Result(Outcome.FAILED, id, null, drive.path() + ": its extent store cannot be opened: " + ex);
        }
        String before = null;
        if (persist)
        {
            try
            {
                before = config.appendDrive(drive, Clock.systemUTC().instant());
                configSeen = config.lastModified();
            }
            catch (final IOException ex)
            {
                drives.remove(id);
                return new Result(Outcome.FAILED, id, null, "the drive was not added: " + config.path() +
                    " cannot take it, and a drive this node does not find at its next start must not take extents: " + ex.getMessage());
            }
        }
        LOG.info("Drive {} at {}: {} {} bytes ({}); registering it with the pool", id, local.path(), local.header().mediaType(),
            local.header().capacityBytes(), local.stamped() ? "new, header stamped" : "recognised");
        final DriveInfo info = NodeRunner.driveInfos(settings, List.of(local), address).get(0);
        final Duration wait = settings.health().askTimeout().multipliedBy(3);
        try
        {
            final StatusReply<DriveStatus> reply = AskPattern.<NodeGuardian.Command, StatusReply<DriveStatus>>ask(system,
                    replyTo -> new NodeGuardian.AddDrive(info, replyTo), wait, system.scheduler())
                .toCompletableFuture().get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (reply.isError())
            {
                // Refused before anything could be placed on it: it leaves the data plane and the file again.
                drives.remove(id);
                unpersist(before);
                return new Result(Outcome.CONFLICT, id, null, "the pool refused drive " + id + ": " + reply.getError().getMessage());
            }
            return new Result(Outcome.JOINED, id, reply.getValue(), "joined the pool; rebalancing moves copies onto it");
        }
        catch (final ExecutionException ex)
        {
            return pending(id, ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            return pending(id, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return pending(id, ex);
        }
    }

    /** Where the pool has this drive id on another node, or null if it has not (or cannot say in time). */
    private String ownerElsewhere(final String id)
    {
        try
        {
            final List<DriveStatus> pool = AskPattern.<NodeGuardian.Command, List<DriveStatus>>ask(system, NodeGuardian.GetDrives::new,
                settings.health().askTimeout(), system.scheduler()).toCompletableFuture()
                .get(settings.health().askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            for (final DriveStatus drive : pool)
            {
                if (drive.id().equals(id) && !drive.info().node().equals(settings.node().name()))
                {
                    return "drive " + drive.info().path() + " of " + drive.info().node();
                }
            }
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            LOG.warn("Cannot ask the pool whether drive {} is another node's ({}); its Drive entity decides", id, ex.toString());
            return null;
        }
    }

    private static Result pending(final String id, final Throwable why)
    {
        return new Result(Outcome.PENDING, id, null, "is open on this node and its registration with the pool goes on (" + why +
            "); cistern drive list shows it once the pool has it");
    }

    private void unpersist(final String before)
    {
        if (before == null)
        {
            return;
        }
        try
        {
            config.restore(before);
            configSeen = config.lastModified();
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
