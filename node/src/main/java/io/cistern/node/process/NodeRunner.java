package io.cistern.node.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.node.NodeGuardian;
import io.cistern.config.CisternSettings;
import io.cistern.config.SettingsException;
import io.cistern.config.SettingsReader;
import io.cistern.storage.DriveDiscovery;
import io.cistern.storage.DriveException;
import io.cistern.storage.LocalDrive;
import io.cistern.transport.EmbeddedMediaDriver;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import io.cistern.actors.persistence.JournalQueries;
import io.cistern.journal.plugin.ReplicatedJournal;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Cistern node in this JVM until it is told to stop (SIGTERM), is downed, or refuses to start.
 * <p>
 * Start order: validate the configuration, find the drives, start the Aeron media driver, start the
 * actor system (cluster, sharding, persistence), make sure the journal's tables exist, then let the
 * node register its drives, and open the management HTTP server. Stop order is the reverse, driven by
 * Pekko's CoordinatedShutdown: leave the cluster, hand drives' entities over, stop the media driver.
 */
public final class NodeRunner
{
    /** Exit codes, so a launcher can tell why a node did not start. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_BAD_CONFIG = 2;
    public static final int EXIT_BAD_DRIVE = 3;
    public static final int EXIT_DRIVE_REFUSED = 4;
    public static final int EXIT_FAILED = 5;

    private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);

    private NodeRunner()
    {
    }

    public static int run(final Path configFile)
    {
        final CisternSettings settings;
        final Config file;
        try
        {
            settings = SettingsReader.load(configFile);
            file = ConfigFactory.parseFile(configFile.toFile());
        }
        catch (final SettingsException ex)
        {
            System.err.println(ex.getMessage());
            return EXIT_BAD_CONFIG;
        }

        final List<LocalDrive> drives;
        try
        {
            drives = new DriveDiscovery(Clock.systemUTC()).discover(settings.node().drives(), settings.node().faultDomain());
            Files.createDirectories(settings.node().dataDir());
        }
        catch (final DriveException ex)
        {
            System.err.println(ex.getMessage());
            return EXIT_BAD_DRIVE;
        }
        catch (final IOException ex)
        {
            System.err.println("cistern.node.data-dir=" + settings.node().dataDir() + ": cannot be created: " + ex);
            return EXIT_BAD_CONFIG;
        }
        for (final LocalDrive drive : drives)
        {
            LOG.info("Drive {} at {}: {} {} bytes ({})", drive.header().id(), drive.path(), drive.header().mediaType(),
                drive.header().capacityBytes(), drive.stamped() ? "new, header stamped" : "recognised");
        }

        final EmbeddedMediaDriver mediaDriver = EmbeddedMediaDriver.launch(settings.aeron());
        LOG.info("Aeron media driver running in {}", mediaDriver.directory());
        final DataPlane dataPlane;
        try
        {
            dataPlane = DataPlane.open(settings, drives, mediaDriver);
        }
        catch (final IOException ex)
        {
            mediaDriver.close();
            System.err.println("cannot open the extent stores of this node's drives: " + ex);
            return EXIT_BAD_DRIVE;
        }

        final ActorSystem<NodeGuardian.Command> system;
        final String address = "pekko://" + PekkoConfig.SYSTEM_NAME + "@" + settings.node().host() + ":" + settings.cluster().port();
        try
        {
            final Config pekko = PekkoConfig.forNode(settings, file);
            system = ActorSystem.create(
                NodeGuardian.create(
                    driveInfos(settings, drives, address),
                    sys -> JournalQueries.of(sys).byTag(),
                    settings.health(),
                    settings.volume(),
                    dataPlane.slabListener(),
                    settings.node().dataDir().resolve("pool-view.snapshot")),
                PekkoConfig.SYSTEM_NAME,
                pekko);
        }
        catch (final RuntimeException ex)
        {
            dataPlane.close();
            mediaDriver.close();
            throw ex;
        }
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-nbd", () ->
        {
            dataPlane.stopFrontEnds();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        final DriveJoiner joiner = new DriveJoiner(settings, new NodeConfigFile(configFile), dataPlane.drives(), system, address);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "stop-data-plane", () ->
        {
            joiner.close();
            dataPlane.close();
            mediaDriver.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });

        try
        {
            if (settings.journal().replicated())
            {
                // This node's journal member starts with the node, not at the first event: the others
                // need it to elect a leader and to commit, whether or not this node writes.
                final io.cistern.journal.log.ReplicatedLog log = ReplicatedJournal.log(Adapter.toClassic(system));
                system.systemActorOf(JournalSteward.create(log, settings.health().retireAfter(),
                    Math.max(1, settings.journal().replication().voters().size()),
                    java.time.Duration.ofSeconds(2), Clock.systemUTC()), "journal-steward", org.apache.pekko.actor.typed.Props.empty());
            }
            else
            {
                createSchema(system);
            }
            system.tell(new NodeGuardian.JournalReady());
            dataPlane.start(system, settings);
            // Drives join the running node from here on: `cistern drive add`, or an edit of its configuration file.
            DriveJoinExtension.get(system).register(joiner);
            joiner.watchConfig(settings.health().driveProbeInterval());
            io.cistern.node.api.ApiAccess.get(system).configure(settings.api().token(), settings.cluster().id());
            PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (settings.jmx().port() > 0)
            {
                final io.cistern.node.jmx.JmxConnector jmx = io.cistern.node.jmx.JmxConnector.start(settings.node().host(), settings.jmx(),
                    settings.api().token());
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-jmx", () ->
                {
                    try
                    {
                        jmx.close();
                    }
                    catch (final java.io.IOException ex)
                    {
                        LOG.warn("Closing the JMX connector", ex);
                    }
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
                LOG.info("JMX connector at {}", jmx.url());
            }
            LOG.info("Node {} started: cluster {}, management http://{}:{}", settings.node().name(),
                Cluster.get(system).selfMember().address(), settings.node().host(), settings.managementPort());
        }
        catch (final Exception ex)
        {
            LOG.error("Node {} failed to start", settings.node().name(), ex);
            system.terminate();
            awaitTermination(system);
            return EXIT_FAILED;
        }

        awaitTermination(system);
        final CoordinatedShutdown.Reason reason = CoordinatedShutdown.get(system).getShutdownReason().orElse(null);
        LOG.info("Node {} stopped ({})", settings.node().name(), reason);
        return reason == NodeGuardian.DRIVE_REFUSED ? EXIT_DRIVE_REFUSED : EXIT_OK;
    }

    static List<DriveInfo> driveInfos(final CisternSettings settings, final List<LocalDrive> drives, final String address)
    {
        final List<DriveInfo> infos = new ArrayList<>();
        for (final LocalDrive drive : drives)
        {
            infos.add(new DriveInfo(
                drive.header().id().toString(),
                settings.node().name(),
                address,
                drive.path().toString(),
                drive.header().mediaType(),
                drive.header().capacityBytes(),
                drive.header().faultDomain()));
        }
        return infos;
    }

    /**
     * Creates the journal's tables if they are missing. Several nodes starting together may race to
     * create them; the loser's attempt fails and its retry finds them there.
     */
    private static void createSchema(final ActorSystem<?> system) throws Exception
    {
        Exception last = null;
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            try
            {
                SchemaUtils.createIfNotExists(system).toCompletableFuture().get(30, TimeUnit.SECONDS);
                return;
            }
            catch (final Exception ex)
            {
                last = ex;
                LOG.warn("Journal schema not ready (attempt {}): {}", attempt, ex.toString());
                TimeUnit.MILLISECONDS.sleep(500L * attempt);
            }
        }
        throw last;
    }

    private static void awaitTermination(final ActorSystem<?> system)
    {
        try
        {
            system.getWhenTerminated().toCompletableFuture().get();
        }
        catch (final Exception ex)
        {
            LOG.warn("Waiting for the actor system to stop: {}", ex.toString());
        }
    }
}
