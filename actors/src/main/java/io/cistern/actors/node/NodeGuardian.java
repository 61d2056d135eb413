package io.cistern.actors.node;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveRegistrar;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.drive.ShardPerEntity;
import io.cistern.actors.health.HealthMonitor;
import io.cistern.actors.pool.PoolView;
import io.cistern.actors.pool.SlabListener;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeService;
import io.cistern.config.HealthSettings;
import io.cistern.config.VolumeSettings;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.util.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The root of a node's actors: starts sharding for drives, this node's pool view, the cluster's health
 * monitor (a singleton; every node offers to host it) and the registration of this node's drives.
 * Requests from the node's HTTP API arrive here and go to the actor that answers them.
 */
public final class NodeGuardian
{
    public sealed interface Command
    {
    }

    public record GetReadiness(ActorRef<Readiness> replyTo) implements Command
    {
    }

    public record GetDrives(ActorRef<List<DriveStatus>> replyTo) implements Command
    {
    }

    /** The node's volume service, for the HTTP API and the front ends (a local object, never sent over the wire). */
    public record GetVolumeService(ActorRef<VolumeService> replyTo) implements Command
    {
    }

    /** The data plane failed one of this node's drives stop; the pool is told, and rebuilds its extents. */
    public record DriveFailed(String driveId, String reason) implements Command
    {
    }

    /** The health monitor's faults, asked through this node's proxy of the singleton. */
    public record GetFaults(ActorRef<HealthMonitor.Faults> replyTo) implements Command
    {
    }

    /** A rebalance round now ({@code cistern pool optimize}), asked of the health monitor. */
    public record Optimize(ActorRef<io.cistern.actors.repair.Optimized> replyTo) implements Command
    {
    }

    /**
     * A drive the data plane has opened while the node runs ({@code cistern drive add}): registered with the
     * pool and pinned here, answered with its status once it can take extents, or with the pool's refusal.
     */
    public record AddDrive(DriveInfo info, ActorRef<StatusReply<DriveStatus>> replyTo) implements Command
    {
    }

    /** Have the pool view fold everything the journal has now, and tell its slab listener ({@link PoolView.CatchUp}). */
    public record CatchUpLayouts(long token, ActorRef<PoolView.CaughtUp> replyTo) implements Command
    {
    }

    /** The journal's tables exist: the node may start reading and writing events. */
    public record JournalReady() implements Command
    {
    }

    /** Whether this node is ready to serve, and if not, why. */
    public record Readiness(boolean memberUp, int drivesRegistered, int drivesTotal, String problem)
    {
        public boolean ready()
        {
            return memberUp && drivesRegistered == drivesTotal && problem.isEmpty();
        }
    }

    private record RegistrarProgress(DriveRegistrar.Progress progress, ActorRef<Readiness> replyTo) implements Command
    {
    }

    private record DriveRefused(String reason) implements Command
    {
    }

    /** Why a node stopped itself: the pool refused one of its drives. */
    public static final CoordinatedShutdown.Reason DRIVE_REFUSED = new CoordinatedShutdown.Reason()
    {
        @Override
        public String toString()
        {
            return "DriveRefused";
        }
    };

    /**
     * @param localDrives  this node's drives, as discovered at start.
     * @param readJournal  how to reach the read journal once the system is up.
     */
    public static Behavior<Command> create(
        final List<DriveInfo> localDrives,
        final Function<ActorSystem<?>, EventsByTagQuery> readJournal,
        final HealthSettings health,
        final VolumeSettings volumes)
    {
        return create(localDrives, readJournal, health, volumes, SlabListener.NONE, null);
    }

    /**
     * @param slabListener     told of every slab layout this node's pool view learns (the data plane's layout table).
     * @param poolViewSnapshot where the pool view keeps itself between restarts; null to fold the journal at each start.
     */
    public static Behavior<Command> create(
        final List<DriveInfo> localDrives,
        final Function<ActorSystem<?>, EventsByTagQuery> readJournal,
        final HealthSettings health,
        final VolumeSettings volumes,
        final SlabListener slabListener,
        final java.nio.file.Path poolViewSnapshot)
    {
        final Function<ActorSystem<?>, Behavior<PoolView.Command>> poolView =
            system -> PoolView.create(readJournal.apply(system), slabListener, poolViewSnapshot);
        return Behaviors.setup(context ->
        {
            final ClusterSharding sharding = ClusterSharding.get(context.getSystem());
            initDriveSharding(context, sharding, health.askTimeout());
            sharding.init(Entity.of(Volume.ENTITY_TYPE_KEY, entity -> Volume.create(entity.getEntityId(), Clock.systemUTC())));
            sharding.init(Entity.of(Slab.ENTITY_TYPE_KEY, entity -> Slab.create(entity.getEntityId())));
            sharding.init(Entity.of(io.cistern.actors.reservation.Reservations.ENTITY_TYPE_KEY,
                entity -> io.cistern.actors.reservation.Reservations.create(entity.getEntityId())));
            sharding.init(Entity.of(io.cistern.actors.qos.QosBook.ENTITY_TYPE_KEY,
                entity -> io.cistern.actors.qos.QosBook.create(entity.getEntityId())));
            return Behaviors.receive(Command.class)
                .onMessage(JournalReady.class, ready ->
                    started(context, sharding, localDrives, poolView, health, volumes))
                .onMessage(GetReadiness.class, get ->
                {
                    get.replyTo().tell(new Readiness(false, 0, localDrives.size(), "journal not ready yet"));
                    return Behaviors.same();
                })
                .onMessage(GetDrives.class, get ->
                {
                    get.replyTo().tell(List.of());
                    return Behaviors.same();
                })
                .onMessage(AddDrive.class, add ->
                {
                    add.replyTo().tell(StatusReply.error("the node is still starting (its journal is not ready); try again"));
                    return Behaviors.same();
                })
                .onMessage(CatchUpLayouts.class, catchUp ->
                {
                    catchUp.replyTo().tell(new PoolView.CaughtUp("the node is still starting (its journal is not ready)"));
                    return Behaviors.same();
                })
                .build();
        });
    }

    private static Behavior<Command> started(
        final ActorContext<Command> context,
        final ClusterSharding sharding,
        final List<DriveInfo> localDrives,
        final Function<ActorSystem<?>, Behavior<PoolView.Command>> poolViewBehavior,
        final HealthSettings health,
        final VolumeSettings volumes)
    {
        final ActorRef<PoolView.Command> poolView = context.spawn(poolViewBehavior.apply(context.getSystem()), "pool-view");
        final ActorRef<HealthMonitor.Command> monitor = ClusterSingleton.get(context.getSystem())
            .init(SingletonActor.of(HealthMonitor.create(poolView, sharding, health), "health-monitor"));

        final ActorRef<DriveRegistrar.Refused> refused =
            context.messageAdapter(DriveRegistrar.Refused.class, r -> new DriveRefused(r.reason()));
        final ActorRef<DriveRegistrar.Command> registrar = context.spawn(DriveRegistrar.create(
            localDrives,
            sharding,
            ExternalShardAllocation.get(context.getSystem()).getClient(Drive.ENTITY_TYPE_KEY.name()),
            health.askTimeout(),
            refused), "drive-registrar");

        final VolumeService volumeService =
            new VolumeService(context.getSystem(), sharding, poolView, volumes, health.askTimeout());
        return behavior(context, poolView, registrar, monitor, volumeService, health.askTimeout());
    }

    /** Drives are sharded one shard per drive, each pinned to its node by {@link DriveRegistrar}. */
    public static void initDriveSharding(final ActorContext<?> context, final ClusterSharding sharding, final Duration timeout)
    {
        sharding.init(Entity.of(Drive.ENTITY_TYPE_KEY, entity -> Drive.create(entity.getEntityId()))
            .withMessageExtractor(new ShardPerEntity<>())
            .withAllocationStrategy(new ExternalShardAllocationStrategy(
                context.getSystem(), Drive.ENTITY_TYPE_KEY.name(), Timeout.create(timeout))));
    }

    private static Behavior<Command> behavior(
        final ActorContext<Command> context,
        final ActorRef<PoolView.Command> poolView,
        final ActorRef<DriveRegistrar.Command> registrar,
        final ActorRef<HealthMonitor.Command> monitor,
        final VolumeService volumeService,
        final Duration askTimeout)
    {
        return Behaviors.receive(Command.class)
            .onMessage(GetVolumeService.class, get ->
            {
                get.replyTo().tell(volumeService);
                return Behaviors.same();
            })
            .onMessage(GetDrives.class, get ->
            {
                poolView.tell(new PoolView.GetDrives(get.replyTo()));
                return Behaviors.same();
            })
            .onMessage(GetReadiness.class, get ->
            {
                context.ask(DriveRegistrar.Progress.class, registrar, askTimeout, DriveRegistrar.GetProgress::new,
                    (progress, failure) -> new RegistrarProgress(
                        progress != null ? progress : new DriveRegistrar.Progress(false, 0, -1, "registrar did not answer: " + failure),
                        get.replyTo()));
                return Behaviors.same();
            })
            .onMessage(RegistrarProgress.class, answer ->
            {
                final DriveRegistrar.Progress p = answer.progress();
                answer.replyTo().tell(new Readiness(p.memberUp(), p.registered(), p.total(), p.refusal()));
                return Behaviors.same();
            })
            .onMessage(JournalReady.class, ready -> Behaviors.same())
            .onMessage(CatchUpLayouts.class, catchUp ->
            {
                poolView.tell(new PoolView.CatchUp(catchUp.token(), catchUp.replyTo()));
                return Behaviors.same();
            })
            .onMessage(GetFaults.class, get ->
            {
                monitor.tell(new HealthMonitor.GetFaults(get.replyTo()));
                return Behaviors.same();
            })
            .onMessage(Optimize.class, optimize ->
            {
                monitor.tell(new HealthMonitor.Optimize(optimize.replyTo()));
                return Behaviors.same();
            })
            .onMessage(AddDrive.class, add ->
            {
                registrar.tell(new DriveRegistrar.Join(add.info(), add.replyTo()));
                return Behaviors.same();
            })
            .onMessage(DriveFailed.class, failed ->
            {
                registrar.tell(new DriveRegistrar.ReportFailure(failed.driveId(), failed.reason()));
                return Behaviors.same();
            })
            .onMessage(DriveRefused.class, refused ->
            {
                context.getLog().error("Stopping this node: {}", refused.reason());
                CoordinatedShutdown.get(context.getSystem()).runAll(DRIVE_REFUSED);
                return Behaviors.same();
            })
            .build();
    }
}
