package io.cistern.node.process;

import io.cistern.actors.node.NodeGuardian;
import io.cistern.actors.pool.SlabListener;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeService;
import io.cistern.config.CisternSettings;
import io.cistern.node.data.DataEndpoints;
import io.cistern.node.data.DriveFailures;
import io.cistern.node.data.LayoutTable;
import io.cistern.node.data.LocalExtents;
import io.cistern.node.data.NodeDrives;
import io.cistern.node.data.PauseWatch;
import io.cistern.node.data.PeerStreams;
import io.cistern.node.data.PeerRoutes;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.node.qos.QosGates;
import io.cistern.node.qos.QosGovernor;
import io.cistern.node.qos.QosVolume;
import io.cistern.node.volume.ClusterVolumes;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.DataPath;
import io.cistern.node.repair.Jobs;
import io.cistern.node.repair.JobsExtension;
import io.cistern.node.repair.ResyncTask;
import io.cistern.node.repair.Resyncer;
import io.cistern.node.repair.ScrubTask;
import io.cistern.node.repair.Scrubber;
import io.cistern.storage.LocalDrive;
import io.cistern.transport.DataAgents;
import io.cistern.transport.DataClient;
import io.cistern.transport.DataPlaneSettings;
import io.cistern.transport.DataServer;
import io.cistern.transport.EmbeddedMediaDriver;
import io.cistern.transport.Forwarder;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The node's data path, assembled: its drives' extent stores, the layout table the pool view feeds, the
 * Aeron data server (with the housekeeper that deletes freed extents on the same thread) and client,
 * and the NBD server whose connections are the volumes' front ends.
 */
final class DataPlane implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);
    private static final ErrorHandler ERRORS = error -> LOG.error("Data plane agent failed", error);

    private final EmbeddedMediaDriver mediaDriver;
    private final NodeDrives drives;
    private final LayoutTable layouts = new LayoutTable();
    private final LocalExtents extents;
    private final List<AgentRunner> runners = new ArrayList<>();
    private volatile DataEndpoints endpoints;
    private DataClient client;
    private DataClient localClient;
    private volatile FrontEnds frontEnds;
    private final Jobs jobs;
    private volatile ActorRef<Resyncer.Command> resyncer;
    private ExecutorService resyncThread;
    private ExecutorService scrubThread;
    private final DriveFailures failures = new DriveFailures();
    private final MetricsRegistry metrics = new MetricsRegistry();
    private volatile ScheduledExecutorService probeThread;
    private PauseWatch pauseWatch;

    private DataPlane(final EmbeddedMediaDriver mediaDriver, final NodeDrives drives, final String nodeName)
    {
        this.mediaDriver = mediaDriver;
        this.drives = drives;
        this.jobs = new Jobs(nodeName);
        this.extents = new LocalExtents(layouts, drives.stores(), node ->
        {
            final DataEndpoints known = endpoints;
            return known == null ? null : known.serverChannel(node);
        }, failures, metrics);
    }

    static DataPlane open(final CisternSettings settings, final List<LocalDrive> drives, final EmbeddedMediaDriver mediaDriver)
        throws IOException
    {
        final NodeDrives opened = new NodeDrives();
        try
        {
            for (final LocalDrive drive : drives)
            {
                opened.add(drive);
            }
        }
        catch (final IOException ex)
        {
            opened.close();
            throw ex;
        }
        return new DataPlane(mediaDriver, opened, settings.node().name());
    }

    /** This node's drives; a drive that joins the running node is added here. */
    NodeDrives drives()
    {
        return drives;
    }

    /** Told by the pool view of every slab layout: the table learns it, and freed slabs' files go. */
    SlabListener slabListener()
    {
        return new SlabListener()
        {
            @Override
            public void placed(final SlabLayout layout)
            {
                layouts.placed(layout);
                extents.slabPlaced(layout.volumeId(), layout.index());
                final ActorRef<Resyncer.Command> copies = resyncer;
                if (copies != null)
                {
                    copies.tell(new Resyncer.LayoutSeen(layout));
                }
            }

            @Override
            public void freed(final long volumeId, final int index)
            {
                layouts.freed(volumeId, index);
                extents.slabFreed(volumeId, index);
            }

            @Override
            public void volumeDeleted(final long volumeId)
            {
                layouts.volumeDeleted(volumeId);
            }

            @Override
            public void caughtUp(final Layouts journal, final long token)
            {
                final int confirmed = layouts.confirmAll(journal, token);
                if (confirmed >= 0)
                {
                    LOG.info("{} slab layouts confirmed with the journal after this node stood still", confirmed);
                }
            }

            @Override
            public void volumeResized(final long volumeId, final long sizeBytes)
            {
                layouts.volumeResized(volumeId, sizeBytes);
            }
        };
    }

    /** Starts the data server and client, and the NBD server once the volume service is there. */
    void start(final ActorSystem<NodeGuardian.Command> system, final CisternSettings settings) throws Exception
    {
        final String hostPort = settings.node().host() + ":" + settings.aeron().port();
        final String channel = DataEndpoints.channel(hostPort);
        final DataEndpoints endpoints = new DataEndpoints(Cluster.get(Adapter.toClassic(system)));
        this.endpoints = endpoints;
        final DataPlaneSettings dataSettings = DataPlaneSettings.defaults();

        // Two doors into the same extents, served by one thread (the extent stores have one owner):
        // UDP for other nodes, IPC through this node's media driver for its own front ends. Both hand
        // the mirrored writes of slabs whose primary is here to one forwarder on the same thread, which
        // sends them on to the other copies over UDP.
        final Forwarder forwarder = new Forwarder(mediaDriver.aeron(), DataEndpoints.clientId(hostPort), channel, dataSettings, ERRORS);
        final DataServer server = new DataServer(mediaDriver.aeron(), channel, dataSettings, extents, endpoints::replyChannel,
            forwarder, ERRORS);
        final DataServer localServer = new DataServer(mediaDriver.aeron(), DataEndpoints.LOCAL, dataSettings, extents,
            clientId -> DataEndpoints.LOCAL, forwarder, ERRORS);
        client = new DataClient(mediaDriver.aeron(), DataEndpoints.clientId(hostPort), channel, dataSettings);
        localClient = new DataClient(mediaDriver.aeron(), DataEndpoints.clientId(hostPort), DataEndpoints.LOCAL, dataSettings);
        // Servers and clients on separate threads: measured with bench/nbd-fio.sh, one shared duty cycle
        // helped 4 KiB reads at queue depth 1 but cost 1 MiB reads a fifth of their throughput (the one
        // thread copied every block twice) and random writes a quarter.
        runners.add(DataAgents.start(new CompositeAgent(server, localServer, forwarder, extents.housekeeper()),
            settings.aeron().idleStrategy(), ERRORS));
        runners.add(DataAgents.start(new CompositeAgent(client, localClient), settings.aeron().idleStrategy(), ERRORS));
        LOG.info("Data server on {} (client id {})", channel, DataEndpoints.clientId(hostPort));
        final DataClient peerClient = client;
        system.systemActorOf(PeerStreams.create(hostPort, peer ->
        {
            forwarder.connect(DataEndpoints.channel(peer));
            server.connect(DataEndpoints.clientId(peer));
            peerClient.isConnected(DataEndpoints.channel(peer));
        }), "peer-streams", Props.empty());
        final PeerRoutes routes = new PeerRoutes(endpoints, client, localClient, settings.node().name());

        final Duration timeout = settings.health().askTimeout();
        final VolumeService volumes = AskPattern.<NodeGuardian.Command, VolumeService>ask(
            system, NodeGuardian.GetVolumeService::new, timeout, system.scheduler())
            .toCompletableFuture().get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        extents.confirmMovesWith(volumes::currentLayout);
        // Stale copies on this node's drives are brought back in sync by the resyncer, a few at a time, on
        // threads of their own (the copying blocks), together paced to the repair bandwidth.
        final int concurrency = settings.repair().concurrency();
        resyncThread = Executors.newFixedThreadPool(concurrency, daemon("resync"));
        final java.util.Set<String> driveIds = drives.ids(); // live: drives that join later are in it
        final ResyncTask resync = new ResyncTask(volumes, layouts, driveIds, routes, timeout,
            settings.repair().bandwidthPerJob(), dataSettings.maxPayloadLength());
        final ActorRef<Resyncer.Command> copies = system.systemActorOf(
            Resyncer.create(drive -> driveIds.contains(drive) && !failures.isFailed(drive), layouts, resync, resyncThread, jobs,
                Duration.ofSeconds(5), concurrency), "resyncer", Props.empty());
        resyncer = copies;
        JobsExtension.get(system).register(jobs);
        io.cistern.node.metrics.MetricsExtension.get(system).register(
            new io.cistern.node.metrics.MetricsExposition(metrics, settings.node().name()));
        system.systemActorOf(io.cistern.node.jmx.MBeanPublisher.create(system, metrics, settings.node().name(), Duration.ofSeconds(5)),
            "mbean-publisher", Props.empty());
        system.systemActorOf(io.cistern.node.perf.PerfRecorder.create(metrics, settings.node().name(),
            settings.node().dataDir().resolve("perf")), "perf-recorder", Props.empty());
        scrubThread = onThread("scrub");
        final ScrubTask scrub = new ScrubTask(layouts, driveIds, routes, settings.repair().scrubBytesPerSecond());
        JobsExtension.get(system).register(system.systemActorOf(
            Scrubber.create(driveIds, scrub, scrubThread, jobs, settings.repair().scrubInterval()), "scrubber", Props.empty()));
        // Only slabs with a copy out of sync: the resyncer's queue is empty now, so an in-sync layout would
        // change nothing, and a pool of a million slabs made a million messages of it at every start.
        layouts.forEach(layout ->
        {
            if (!layout.allInSync())
            {
                copies.tell(new Resyncer.LayoutSeen(layout));
            }
        });

        // A failed drive: the pool is told (its extents are rebuilt elsewhere), and its in-sync copies are
        // marked stale at once, so flushes and reads stop counting on them before the rebuild moves them.
        failures.listener((drive, reason) ->
        {
            system.tell(new NodeGuardian.DriveFailed(drive, reason));
            markStale(volumes, drive);
        });
        // After the process stood still, the layouts it knew are confirmed with the journal before
        // they are used again: other nodes may have marked copies here stale meanwhile.
        pauseWatch = new PauseWatch(() ->
        {
            LOG.warn("This node stood still for more than a second; its slab layouts are confirmed with the journal before use");
            revalidate(system, layouts.distrust());
        });
        layouts.watchPauses(pauseWatch);
        probeThread = Executors.newSingleThreadScheduledExecutor(daemon("drive-probe"));
        final long probeMillis = settings.health().driveProbeInterval().toMillis();
        probeThread.scheduleWithFixedDelay(this::probe, probeMillis, probeMillis, TimeUnit.MILLISECONDS);

        final ClusterVolumes volumesHere = new ClusterVolumes(new DataPath(volumes, layouts, routes, extents.open(), metrics,
            dataSettings.maxPayloadLength(), timeout));
        // Storage QoS: every volume a front end opens goes through this node's gate for it, whose allowance
        // the cluster's coordinator sets.
        final QosGates qos = new QosGates(metrics);
        system.systemActorOf(QosGovernor.create(qos, settings.node().name()), "qos-governor", Props.empty());
        final VolumeCatalog exports = QosVolume.governed(volumesHere, qos);
        frontEnds = FrontEnds.start(system, settings, exports, timeout);
    }

    /**
     * Confirms every distrusted layout from the journal: the pool view reads what the journal has now and
     * the layout table takes its word on every slab at once ({@link LayoutTable#confirmAll}), so a stale
     * leftover of a Slab entity on this node (if it was downed while it stood still) has no say. Tried again
     * a second later if the view could not catch up, unless the node stood still again meanwhile (that
     * pause's own catch-up follows).
     */
    private void revalidate(final ActorSystem<NodeGuardian.Command> system, final long token)
    {
        AskPattern.<NodeGuardian.Command, io.cistern.actors.pool.PoolView.CaughtUp>ask(
                system, replyTo -> new NodeGuardian.CatchUpLayouts(token, replyTo), Duration.ofSeconds(60), system.scheduler())
            .whenComplete((caughtUp, failure) ->
            {
                final String why = failure != null ? failure.toString() : caughtUp.failure();
                if (why != null && layouts.distrusts() == token && probeThread != null)
                {
                    LOG.warn("The slab layouts could not be confirmed with the journal ({}); trying again in a second", why);
                    probeThread.schedule(() -> revalidate(system, token), 1, TimeUnit.SECONDS);
                }
            });
    }

    /** One round of drive probes, on the probe thread; failed drives are reported again each round. */
    private void probe()
    {
        try
        {
            drives.probes().forEach((drive, probe) ->
            {
                if (!failures.isFailed(drive))
                {
                    final String failure = probe.check();
                    if (failure != null)
                    {
                        failures.fail(drive, failure);
                    }
                }
            });
            failures.retell();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("Drive probe round failed", ex); // the next round runs anyway
        }
    }

    /** Has the Slab entities mark stale every copy still in sync on a failed drive of this node. */
    private void markStale(final VolumeService volumes, final String drive)
    {
        layouts.forEach(layout ->
        {
            final int marked = layout.inSyncCopies(extent -> extent.driveId().equals(drive));
            if (marked != 0)
            {
                volumes.markStale(layout.volumeId(), layout.index(), marked, 0, layout.extentBytes()).whenComplete((ok, failure) ->
                {
                    if (failure != null)
                    {
                        LOG.warn("Copies {} of slab {} of volume {} on failed drive {} are not marked stale yet: {}",
                            Integer.toBinaryString(marked), layout.index(), Long.toHexString(layout.volumeId()), drive, failure.toString());
                    }
                });
            }
        });
    }

    /** One daemon thread for blocking repair work, so actors and the data plane never wait on it. */
    private static ExecutorService onThread(final String name)
    {
        return Executors.newSingleThreadExecutor(daemon(name));
    }

    /** Daemon threads of one name: the node's helper threads must not keep a stopping JVM alive. */
    static java.util.concurrent.ThreadFactory daemon(final String name)
    {
        return r ->
        {
            final Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    void stopFrontEnds()
    {
        CloseHelper.quietClose(frontEnds);
    }

    @Override
    public void close()
    {
        stopFrontEnds();
        // Agents first (they use the stores and the Aeron client), then the stores.
        if (resyncThread != null)
        {
            resyncThread.shutdownNow();
        }
        if (scrubThread != null)
        {
            scrubThread.shutdownNow();
        }
        if (pauseWatch != null)
        {
            pauseWatch.close();
        }
        if (probeThread != null)
        {
            probeThread.shutdownNow();
        }
        CloseHelper.quietCloseAll(runners);
        drives.close();
    }
}
