package io.cistern.actors.repair;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.placement.Candidate;
import io.cistern.actors.pool.PoolView;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.config.FaultDomainLevel;
import io.cistern.config.HealthSettings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rebalancing: when every slab is in sync and no drive holding extents is unwell, the copies
 * {@link RebalancePlan} picks move from fuller drives to emptier ones, make before break: a {@link Slab.Handover}
 * each adds the incoming copy, which the new drive's node resyncs while the outgoing one keeps serving, and
 * retires the outgoing copy once the incoming one is in sync. The health monitor asks for a round when it has nothing to rebuild, and
 * {@code cistern pool optimize} asks for one at once and is told what it did.
 */
public final class Rebalancer
{
    /** What the rebalancer does. */
    public sealed interface Command
    {
    }

    /**
     * A round over the pool as the health monitor sees it now.
     *
     * @param faultDomains each volume's fault-domain level, by volume id.
     * @param replyTo      told what the round did, or null.
     */
    public record Round(List<DriveStatus> drives, Map<Long, FaultDomainLevel> faultDomains, ActorRef<Optimized> replyTo)
        implements Command
    {
    }

    private record Listed(Round round, List<SlabLayout> slabs) implements Command
    {
    }

    private record Unlisted(Round round, String why) implements Command
    {
    }

    private record Refused(String why) implements Command
    {
    }

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final ActorContext<Command> context;
    private final ActorRef<PoolView.Command> poolView;
    private final ClusterSharding sharding;
    private final HealthSettings settings;
    private final ActorRef<StatusReply<SlabLayout>> outcomes;

    private Rebalancer(final ActorContext<Command> context, final ActorRef<PoolView.Command> poolView,
                       final ClusterSharding sharding, final HealthSettings settings)
    {
        this.context = context;
        this.poolView = poolView;
        this.sharding = sharding;
        this.settings = settings;
        this.outcomes = context.messageAdapter(statusReplyClass(), reply ->
            reply.isSuccess() ? new Refused(null) : new Refused(reply.getError().getMessage()));
    }

    public static Behavior<Command> create(final ActorRef<PoolView.Command> poolView, final ClusterSharding sharding,
                                           final HealthSettings settings)
    {
        return Behaviors.setup(context -> new Rebalancer(context, poolView, sharding, settings).behavior());
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(Round.class, round ->
            {
                context.ask(slabListClass(), poolView, ASK_TIMEOUT, PoolView.GetAllSlabs::new, (slabs, failure) ->
                    slabs == null ? new Unlisted(round, "the pool view did not list slabs: " + failure) : new Listed(round, slabs));
                return Behaviors.same();
            })
            .onMessage(Listed.class, this::onListed)
            .onMessage(Unlisted.class, unlisted ->
            {
                if (unlisted.round().replyTo() != null)
                {
                    unlisted.round().replyTo().tell(new Optimized(0, 0, unlisted.why()));
                }
                context.getLog().warn("No rebalance round: {}", unlisted.why());
                return Behaviors.same();
            })
            .onMessage(Refused.class, refused ->
            {
                if (refused.why() != null)
                {
                    context.getLog().warn("A rebalance move was refused: {}", refused.why());
                }
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> onListed(final Listed listed)
    {
        final Round round = listed.round();
        final RebalancePlan.Plan plan = RebalancePlan.of(listed.slabs(), candidates(round.drives()),
            volumeId -> round.faultDomains().getOrDefault(volumeId, FaultDomainLevel.NODE), settings.rebalanceSpread(),
            settings.rebalanceMoves());
        final double spread = Math.round(plan.spread() * 1000) / 10.0;
        final long repairing = listed.slabs().stream().filter(slab -> !slab.allInSync()).count();
        final List<String> unwell = round.drives().stream()
            .filter(d -> d.health() != DriveHealth.HEALTHY && d.allocatedBytes() > 0)
            .map(d -> d.id() + " (" + d.health() + ")").toList();
        final String detail;
        if (!unwell.isEmpty())
        {
            // Moving a copy now could leave a slab whose other copy is on an unreachable drive with one copy.
            detail = "drive(s) " + String.join(", ", unwell) + " still hold extents; repairs come before rebalancing";
        }
        else if (repairing > 0)
        {
            detail = repairing + " slab(s) are being repaired or moved; rebalancing waits until every copy is in sync";
        }
        else if (plan.moves().isEmpty())
        {
            detail = plan.spread() <= settings.rebalanceSpread() ?
                "drive utilisation is within " + Math.round(settings.rebalanceSpread() * 100) + " percentage points: nothing to move" :
                "no copy can move to an emptier drive without sharing a fault domain with another copy of its slab";
        }
        else
        {
            detail = "moving " + plan.moves().size() + " copy(ies) to emptier drives (cistern job list shows them)";
            for (final RebuildPlan.Move move : plan.moves())
            {
                context.getLog().info("Rebalancing: copy {} of slab {} of volume {} moves from drive {} to drive {} ({}); " +
                    "utilisation spread {} percentage points", move.copy(), move.slab(), Long.toHexString(move.volumeId()),
                    move.fromDriveId(), move.driveId(), move.node(), spread);
                sharding.entityRefFor(Slab.ENTITY_TYPE_KEY, Slab.entityId(move.volumeId(), move.slab()))
                    .tell(new Slab.Handover(move.copy(), move.fromDriveId(), move.driveId(), move.node(), Slab.REBALANCE, outcomes));
            }
        }
        if (round.replyTo() != null)
        {
            round.replyTo().tell(new Optimized(spread, repairing > 0 || !unwell.isEmpty() ? 0 : plan.moves().size(), detail));
        }
        return Behaviors.same();
    }

    /** The drives as placement sees them: only healthy ones receive copies. */
    public static List<Candidate> candidates(final List<DriveStatus> drives)
    {
        final List<Candidate> pool = new ArrayList<>();
        for (final DriveStatus d : drives)
        {
            pool.add(new Candidate(d.id(), d.info().node(), d.info().faultDomain(), d.info().capacityBytes(), d.allocatedBytes(),
                d.health() == DriveHealth.HEALTHY));
        }
        return pool;
    }

    @SuppressWarnings("unchecked")
    private static Class<List<SlabLayout>> slabListClass()
    {
        return (Class<List<SlabLayout>>)(Class<?>)List.class;
    }

    @SuppressWarnings("unchecked")
    private static Class<StatusReply<SlabLayout>> statusReplyClass()
    {
        return (Class<StatusReply<SlabLayout>>)(Class<?>)StatusReply.class;
    }
}
