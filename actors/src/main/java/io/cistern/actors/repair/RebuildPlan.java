package io.cistern.actors.repair;

import io.cistern.actors.placement.Candidate;
import io.cistern.actors.placement.Placement;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.config.FaultDomainLevel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.LongToIntFunction;

/**
 * Where the extents of retired drives go: a pure function over the slabs' layouts and the pool. Each
 * copy on a retiring drive gets a drive chosen by {@link Placement#replace} (a fault domain none of the
 * slab's other copies uses, least utilised first), seeing the space the moves before it took, so one
 * rebuild does not pile every extent onto the emptiest drive.
 */
public final class RebuildPlan
{
    private RebuildPlan()
    {
    }

    /** One copy to move: from drive {@code fromDriveId} to drive {@code driveId} on {@code node}. */
    public record Move(long volumeId, int slab, int copy, String fromDriveId, String driveId, String node)
    {
    }

    /** A copy that cannot be placed: {@code copy} names it ("slab 2a-5 copy 2"), {@code reason} says why. */
    public record Refusal(String copy, String reason)
    {
        @Override
        public String toString()
        {
            return copy + ": " + reason;
        }
    }

    /**
     * @param moves   the copies to rebuild elsewhere.
     * @param blocked copies that cannot be placed, and why (the volume stays degraded).
     */
    public record Plan(List<Move> moves, List<Refusal> blocked)
    {
        /** Each blocked copy and why, as one line. */
        public List<String> refusals()
        {
            return blocked.stream().map(Refusal::toString).toList();
        }
    }

    /** As {@link #of(List, List, Set, LongFunction, LongToIntFunction)}, for slabs with no copy being handed over. */
    public static Plan of(final List<SlabLayout> slabs, final List<Candidate> pool, final Set<String> retiring,
                          final LongFunction<FaultDomainLevel> levelOf)
    {
        return of(slabs, pool, retiring, levelOf, volumeId -> Integer.MAX_VALUE);
    }

    /**
     * @param levelOf  the fault-domain level of a volume, by volume id.
     * @param copiesOf how many copies of each slab a volume keeps, by volume id: a slab with a copy more is
     *                 handing one over, and its in-sync copy on a retiring drive has its successor on the way.
     */
    public static Plan of(final List<SlabLayout> slabs, final List<Candidate> pool, final Set<String> retiring,
                          final LongFunction<FaultDomainLevel> levelOf, final LongToIntFunction copiesOf)
    {
        final Map<String, Candidate> model = new LinkedHashMap<>();
        pool.forEach(d -> model.put(d.driveId(), d));
        final List<SlabLayout> ordered = new ArrayList<>(slabs);
        ordered.sort(Comparator.comparingLong(SlabLayout::volumeId).thenComparingInt(SlabLayout::index));
        final List<Move> moves = new ArrayList<>();
        final List<Refusal> refusals = new ArrayList<>();
        for (final SlabLayout slab : ordered)
        {
            final List<String> kept = new ArrayList<>();
            for (final Extent extent : slab.extents())
            {
                if (!retiring.contains(extent.driveId()) && extent.state() != ExtentState.RETIRED)
                {
                    kept.add(extent.driveId());
                }
            }
            for (final Extent extent : slab.extents())
            {
                // A retired copy was handed over already: nothing of it needs a new home. An in-sync copy of a
                // slab that is handing one over is that copy, or will be moved once the handover is done.
                if (!retiring.contains(extent.driveId()) || extent.state() == ExtentState.RETIRED ||
                    (extent.state() == ExtentState.IN_SYNC && slab.liveCount() > copiesOf.applyAsInt(slab.volumeId())))
                {
                    continue;
                }
                final Placement.Choice choice = Placement.replace(new ArrayList<>(model.values()), kept,
                    levelOf.apply(slab.volumeId()), slab.extentBytes());
                if (!choice.ok())
                {
                    refusals.add(new Refusal("slab " + Long.toHexString(slab.volumeId()) + "-" + slab.index() + " copy " +
                        extent.copy(), choice.refusal()));
                    continue;
                }
                final Candidate target = model.get(choice.driveIds().get(0));
                model.put(target.driveId(), target.plus(slab.extentBytes()));
                kept.add(target.driveId());
                moves.add(new Move(slab.volumeId(), slab.index(), extent.copy(), extent.driveId(), target.driveId(), target.node()));
            }
        }
        return new Plan(moves, refusals);
    }
}
