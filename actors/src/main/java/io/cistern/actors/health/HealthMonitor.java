package io.cistern.actors.health;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.placement.Candidate;
import io.cistern.actors.pool.PoolView;
import io.cistern.actors.repair.Optimized;
import io.cistern.actors.repair.Rebalancer;
import io.cistern.actors.repair.RebuildPlan;
import io.cistern.actors.serialization.CisternSerializable;
import io.cistern.actors.volume.Attachments;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.FaultDomainLevel;
import io.cistern.config.HealthSettings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * The cluster's health monitor (one per cluster, a cluster singleton): turns membership changes into
 * drive health, and forgets the volume attachments of node incarnations that are gone.
 * <p>
 * When a member is removed (after the Split Brain Resolver downed it, or after it left), every drive
 * its incarnation registered is reported {@code LOST_COMMUNICATION}, which the drive entity persists.
 * A timer reconciles the same way, so a change that happened while the singleton was moving between
 * nodes is not missed.
 */
public final class HealthMonitor
{
    public sealed interface Command
    {
    }

    /** The faults the monitor knows of now, for {@code GET /api/v1/faults} (asked through the singleton proxy). */
    public record GetFaults(ActorRef<Faults> replyTo) implements Command, CisternSerializable
    {
    }

    /** {@code cistern pool optimize}: a rebalance round now, answered with what it does. */
    public record Optimize(ActorRef<Optimized> replyTo) implements Command, CisternSerializable
    {
    }

    private record OptimizeDrives(List<DriveStatus> drives, ActorRef<Optimized> replyTo) implements Command
    {
    }

    public record Faults(ArrayList<Fault> faults) implements CisternSerializable
    {
        public Faults
        {
            faults = new ArrayList<>(faults);
        }
    }

    /**
     * Something an administrator should know is wrong, like Storage Spaces Direct's health faults.
     *
     * @param severity    CRITICAL (data at risk or offline) or WARNING (redundancy or capacity reduced).
     * @param kind        DRIVE_FAILED, DRIVE_LOST_COMMUNICATION or REBUILD_BLOCKED.
     * @param subject     what it is about: a drive or a slab copy.
     * @param description what happened and what the pool does about it.
     * @param sinceMillis when the monitor first saw it.
     */
    public record Fault(String severity, String kind, String subject, String description, long sinceMillis)
        implements CisternSerializable
    {
    }

    private record MemberGone(Member member) implements Command
    {
    }

    private record Reconcile() implements Command
    {
    }

    private record DrivesSeen(List<DriveStatus> drives) implements Command
    {
    }

    private record Reported(String outcome) implements Command
    {
    }

    private record OrphansSeen(List<SlabLayout> slabs) implements Command
    {
    }

    private record VolumesSeen(List<VolumeInfo> volumes) implements Command
    {
    }

    private record VolumeHealthSeen(PoolView.VolumeHealth health) implements Command
    {
    }

    /** What every node's drives did in the last hour ({@link DriveIoWatch}). */
    record DriveIoSeen(List<io.cistern.actors.perf.Perf.DriveSummary> drives) implements Command
    {
    }

    /** What Storage QoS keeps now, and which minimums it cannot ({@link QosFaults}). */
    private record QosSeen(io.cistern.actors.qos.QosBook.Status status) implements Command
    {
    }

    /** @param working retiring drives that still work (retired by an administrator, node up): handed over, not rebuilt. */
    private record SlabsSeen(List<DriveStatus> drives, Set<String> retiring, Set<String> working, List<SlabLayout> slabs)
        implements Command
    {
    }

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    /** How often the drives' I/O of the last hour is looked at (the recorders sample every 10 s). */
    private static final Duration DRIVE_IO_EVERY = Duration.ofSeconds(20);

    private final ActorContext<Command> context;
    private final ActorRef<PoolView.Command> poolView;
    private final ClusterSharding sharding;
    private final Cluster cluster;
    /** Where every entity's answer to a report, detach or move goes: only a refusal is worth a line. */
    private final ActorRef<StatusReply<Object>> outcomes;
    private final HealthSettings settings;
    /** Moves copies from fuller drives to emptier ones when there is nothing to repair: a child of its own. */
    private final ActorRef<Rebalancer.Command> rebalancer;
    private final Map<Long, FaultDomainLevel> faultDomains = new HashMap<>();
    /** Copies of each slab, by volume id, from the same listing. */
    private final Map<Long, Integer> copies = new HashMap<>();
    private Set<String> refusalsLogged = Set.of();
    private final FaultBook faults = new FaultBook();
    private final io.cistern.actors.qos.QosService qos;
    /** The last drives and volumes seen: capacity faults need both, and they arrive apart. */
    private List<DriveStatus> lastDrives = List.of();
    private List<VolumeInfo> lastVolumes = List.of();

    private HealthMonitor(
        final ActorContext<Command> context,
        final ActorRef<PoolView.Command> poolView,
        final ClusterSharding sharding,
        final HealthSettings settings)
    {
        this.context = context;
        this.settings = settings;
        this.poolView = poolView;
        this.sharding = sharding;
        this.cluster = Cluster.get(context.getSystem());
        this.qos = new io.cistern.actors.qos.QosService(context.getSystem(), ASK_TIMEOUT);
        this.rebalancer = context.spawn(Rebalancer.create(poolView, sharding, settings), "rebalancer");
        context.spawn(DriveIoWatch.create(context.getSelf(), DRIVE_IO_EVERY), "drive-io-watch");
        // One adapter: an actor has one per message class, and these answers are all StatusReplies.
        this.outcomes = context.messageAdapter(AskTypes.statusReply(), reply ->
            new Reported(reply.isSuccess() ? "ok" : reply.getError().getMessage()));
    }

    /**
     * @param poolView the pool view of the node the singleton runs on.
     */
    public static Behavior<Command> create(
        final ActorRef<PoolView.Command> poolView,
        final ClusterSharding sharding,
        final HealthSettings settings)
    {
        // A bug in one reconcile must not leave the cluster without a health monitor: restart it.
        return Behaviors.<Command>supervise(Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            final ActorRef<ClusterEvent.MemberRemoved> removed =
                context.messageAdapter(ClusterEvent.MemberRemoved.class, event -> new MemberGone(event.member()));
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
            final ActorRef<ClusterEvent.MemberDowned> downed =
                context.messageAdapter(ClusterEvent.MemberDowned.class, event -> new MemberGone(event.member()));
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(downed, ClusterEvent.MemberDowned.class));
            timers.startTimerWithFixedDelay(new Reconcile(), settings.reconcileInterval());
            return new HealthMonitor(context, poolView, sharding, settings).behavior();
        }))).onFailure(SupervisorStrategy.restart());
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(MemberGone.class, gone ->
            {
                context.getLog().info("Member {} is {}; checking its drives", gone.member().address(), gone.member().status());
                return reconcile();
            })
            .onMessage(Reconcile.class, tick -> reconcile())
            .onMessage(OrphansSeen.class, this::onOrphansSeen)
            .onMessage(DrivesSeen.class, this::onDrivesSeen)
            .onMessage(VolumesSeen.class, this::onVolumesSeen)
            .onMessage(DriveIoSeen.class, seen ->
            {
                faults.replace(FaultBook.Source.DRIVE_IO, DriveIoFaults.of(seen.drives(), lastDrives, "the last hour",
                    System.currentTimeMillis()));
                return Behaviors.same();
            })
            .onMessage(VolumeHealthSeen.class, seen ->
            {
                // The volumes' names and the nodes that are down come from the listings of this round or the last.
                final Map<Long, String> names = new HashMap<>();
                lastVolumes.forEach(v -> names.put(v.volumeId(), v.name()));
                faults.replace(FaultBook.Source.VOLUMES, VolumeFaults.of(seen.health().volumes(), names,
                    DriveFaults.downNodes(lastDrives), System.currentTimeMillis()));
                return Behaviors.same();
            })
            .onMessage(SlabsSeen.class, this::onSlabsSeen)
            .onMessage(QosSeen.class, seen ->
            {
                faults.replace(FaultBook.Source.QOS, QosFaults.of(seen.status(), System.currentTimeMillis()));
                return Behaviors.same();
            })
            .onMessage(Optimize.class, optimize ->
            {
                context.ask(AskTypes.driveList(), poolView, ASK_TIMEOUT, PoolView.GetDrives::new, (drives, failure) ->
                    drives == null ? new Reported("pool view did not list drives: " + failure) :
                        new OptimizeDrives(drives, optimize.replyTo()));
                return Behaviors.same();
            })
            .onMessage(OptimizeDrives.class, drives ->
            {
                rebalancer.tell(new Rebalancer.Round(drives.drives(), new HashMap<>(faultDomains), drives.replyTo()));
                return Behaviors.same();
            })
            .onMessage(GetFaults.class, get ->
            {
                get.replyTo().tell(new Faults(faults.all()));
                return Behaviors.same();
            })
            .onMessage(Reported.class, reported ->
            {
                if (!"ok".equals(reported.outcome()))
                {
                    context.getLog().warn("A health report or a rebuild was refused: {}", reported.outcome());
                }
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> reconcile()
    {
        // Asks, not message adapters: both answers are Lists, and an actor has one adapter per class.
        context.ask(AskTypes.driveList(), poolView, ASK_TIMEOUT, PoolView.GetDrives::new, (drives, failure) ->
            drives == null ? new Reported("pool view did not list drives: " + failure) : new DrivesSeen(drives));
        context.ask(AskTypes.volumeList(), poolView, ASK_TIMEOUT, PoolView.GetVolumes::new, (volumes, failure) ->
            volumes == null ? new Reported("pool view did not list volumes: " + failure) : new VolumesSeen(volumes));
        context.ask(PoolView.VolumeHealth.class, poolView, ASK_TIMEOUT, PoolView.GetVolumeHealth::new, (health, failure) ->
            health == null ? new Reported("pool view did not count volume health: " + failure) : new VolumeHealthSeen(health));
        context.ask(PoolView.OrphanSlabs.class, poolView, ASK_TIMEOUT, PoolView.GetOrphanSlabs::new, (orphans, failure) ->
            orphans == null ? new Reported("pool view did not list orphan slabs: " + failure) : new OrphansSeen(orphans.slabs()));
        context.pipeToSelf(qos.status(), (status, failure) ->
            status == null ? new Reported("the QoS book did not answer: " + failure) : new QosSeen(status));
        return Behaviors.same();
    }

    /** Slabs of deleted volumes that are still placed: freed, so their space returns to the pool. */
    private Behavior<Command> onOrphansSeen(final OrphansSeen seen)
    {
        for (final SlabLayout slab : seen.slabs())
        {
            context.getLog().info("Freeing slab {} of deleted volume {}", slab.index(), Long.toHexString(slab.volumeId()));
            sharding.entityRefFor(Slab.ENTITY_TYPE_KEY, Slab.entityId(slab.volumeId(), slab.index()))
                .tell(new Slab.Free(outcomes()));
        }
        return Behaviors.same();
    }

    /** Attachments of node incarnations that are gone: nobody will ever detach them but us. */
    private Behavior<Command> onVolumesSeen(final VolumesSeen seen)
    {
        lastVolumes = seen.volumes();
        checkCapacity();
        final Set<Long> live = liveIncarnations();
        for (final VolumeInfo volume : seen.volumes())
        {
            faultDomains.put(volume.volumeId(), volume.faultDomain());
            copies.put(volume.volumeId(), volume.resiliency().copies());
            for (final String client : volume.attachments())
            {
                final long incarnation = Attachments.incarnationOf(client);
                if (incarnation != -1 && !live.contains(incarnation))
                {
                    context.getLog().info("Detaching {} from volume {}: its node is no longer in the cluster", client, volume.name());
                    sharding.entityRefFor(Volume.ENTITY_TYPE_KEY, volume.name())
                        .tell(new Volume.Detach(client, outcomes()));
                }
            }
        }
        return Behaviors.same();
    }

    private Set<Long> liveIncarnations()
    {
        final Set<Long> live = new HashSet<>();
        for (final Member member : cluster.state().getMembers())
        {
            if (member.status() != MemberStatus.down() && member.status() != MemberStatus.removed())
            {
                live.add(member.uniqueAddress().longUid());
            }
        }
        return live;
    }

    private Behavior<Command> onDrivesSeen(final DrivesSeen seen)
    {
        lastDrives = seen.drives();
        checkCapacity();
        final Set<Long> live = liveIncarnations();
        for (final DriveStatus drive : NodeLiveness.lostDrives(seen.drives(), live))
        {
            final String reason = "node " + drive.info().node() + " (" + drive.info().nodeAddress() + ") left the cluster";
            context.getLog().warn("Drive {} at {}: {}", drive.id(), drive.info().path(), reason);
            sharding.entityRefFor(Drive.ENTITY_TYPE_KEY, drive.id())
                .tell(new Drive.ReportLostCommunication(drive.incarnation(), reason, outcomes()));
        }
        // Drives whose extents are rebuilt elsewhere: failed or retired ones at once, and those out of
        // communication past the retire timeout (their node may yet come back, with everything on it).
        final long now = System.currentTimeMillis();
        final Set<String> retiring = new HashSet<>();
        final Set<String> working = new HashSet<>();
        for (final DriveStatus drive : seen.drives())
        {
            final boolean gone = drive.health() == DriveHealth.UNHEALTHY || drive.health() == DriveHealth.RETIRED ||
                drive.health() == DriveHealth.LOST_COMMUNICATION && now - drive.sinceMillis() >= settings.retireAfter().toMillis();
            if (gone && drive.allocatedBytes() > 0)
            {
                retiring.add(drive.id());
                if (drive.health() == DriveHealth.RETIRED && live.contains(drive.incarnation()))
                {
                    working.add(drive.id());
                }
            }
        }
        if (!retiring.isEmpty())
        {
            context.ask(AskTypes.slabList(), poolView, ASK_TIMEOUT, PoolView.GetAllSlabs::new, (slabs, failure) ->
                slabs == null ? new Reported("pool view did not list slabs: " + failure) : new SlabsSeen(seen.drives(), retiring, working, slabs));
        }
        else
        {
            // Nothing to rebuild: the pool may be uneven (a drive or node was added, or a rebuild filled some).
            faults.replace(FaultBook.Source.REBUILDS, List.of());
            rebalancer.tell(new Rebalancer.Round(seen.drives(), new HashMap<>(faultDomains), null));
        }
        faults.replace(FaultBook.Source.DRIVES, DriveFaults.of(seen.drives(), settings.retireAfter()));
        return Behaviors.same();
    }

    /** Plans the rebuild of the retiring drives' extents and has each slab move its copy. */
    private Behavior<Command> onSlabsSeen(final SlabsSeen seen)
    {
        final RebuildPlan.Plan plan = RebuildPlan.of(seen.slabs(), candidates(seen.drives()), seen.retiring(),
            volumeId -> faultDomains.getOrDefault(volumeId, FaultDomainLevel.NODE),
            volumeId -> copies.getOrDefault(volumeId, Integer.MAX_VALUE));
        for (final RebuildPlan.Move move : plan.moves())
        {
            context.getLog().warn("Rebuilding copy {} of slab {} of volume {} on drive {} ({}): drive {} is {}", move.copy(),
                move.slab(), Long.toHexString(move.volumeId()), move.driveId(), move.node(), move.fromDriveId(),
                DriveFaults.why(seen.drives(), move.fromDriveId(), settings.retireAfter()));
            // A drive that still works keeps serving its copies until their successors are in sync (make before
            // break); a failed or unreachable one has nothing to keep.
            sharding.entityRefFor(Slab.ENTITY_TYPE_KEY, Slab.entityId(move.volumeId(), move.slab()))
                .tell(seen.working().contains(move.fromDriveId()) ?
                    new Slab.Handover(move.copy(), move.fromDriveId(), move.driveId(), move.node(), Slab.REBUILD, outcomes()) :
                    new Slab.Replace(move.copy(), move.fromDriveId(), move.driveId(), move.node(), Slab.REBUILD, outcomes()));
        }
        final Set<String> refusals = Set.copyOf(plan.refusals());
        if (!refusals.isEmpty() && !refusals.equals(refusalsLogged))
        {
            context.getLog().error("Cannot rebuild {} extent(s) of retired drives: {}", refusals.size(), plan.refusals());
        }
        refusalsLogged = refusals;
        final List<Fault> faults = new ArrayList<>();
        for (final RebuildPlan.Refusal refusal : plan.blocked())
        {
            faults.add(new Fault("CRITICAL", "REBUILD_BLOCKED", refusal.copy(), "cannot be rebuilt: " + refusal.reason() +
                "; the copy stays where it is (or stale) and the slab has less redundancy until capacity is added",
                System.currentTimeMillis()));
        }
        this.faults.replace(FaultBook.Source.REBUILDS, faults);
        return Behaviors.same();
    }

    private static List<Candidate> candidates(final List<DriveStatus> drives)
    {
        return Rebalancer.candidates(drives);
    }

    /** The pool's capacity faults ({@link CapacityFaults}), raised and cleared as drives and volumes change. */
    private void checkCapacity()
    {
        faults.replace(FaultBook.Source.CAPACITY, CapacityFaults.of(lastDrives, lastVolumes, System.currentTimeMillis()));
    }

    /** The outcomes adapter, typed for the command it answers (it only reads success or the error). */
    private <T> ActorRef<StatusReply<T>> outcomes()
    {
        return outcomes.unsafeUpcast();
    }
}
