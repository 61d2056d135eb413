package io.cistern.actors.repair;

import io.cistern.actors.placement.Candidate;
import io.cistern.actors.placement.Placement;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.config.FaultDomainLevel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Which copies to move so the pool's healthy drives fill evenly: a pure function over the slabs' layouts
 * and the pool. While the most and the least utilised drives are further apart than {@code spread}, a
 * copy moves from a fuller drive to an emptier one whose fault domain the slab's other copies do not use,
 * only if the emptier drive ends up less full than the other was (so a move always narrows the gap). Only slabs whose copies are all
 * in sync move (a repair comes first), one copy per slab per plan, at most {@code maxMoves} at a time:
 * each move rebuilds one copy, and a slab has one copy fewer in sync until it is done.
 */
public final class RebalancePlan
{
    private RebalancePlan()
    {
    }

    /**
     * @param moves  the copies to move, as rebuilds onto their new drives.
     * @param spread utilisation of the fullest minus the emptiest healthy drive before the moves (0..1).
     */
    public record Plan(List<RebuildPlan.Move> moves, double spread)
    {
    }

    /**
     * @param spread   how far apart drive utilisations may be (0.10: ten percentage points).
     * @param maxMoves the most copies this plan moves.
     */
    public static Plan of(final List<SlabLayout> slabs, final List<Candidate> pool, final LongFunction<FaultDomainLevel> levelOf,
                          final double spread, final int maxMoves)
    {
        final Map<String, Candidate> model = new LinkedHashMap<>();
        pool.stream().filter(d -> d.healthy() && d.capacityBytes() > 0).forEach(d -> model.put(d.driveId(), d));
        final double before = spreadOf(model.values());
        final List<RebuildPlan.Move> moves = new ArrayList<>();
        final Set<String> movedSlabs = new HashSet<>();
        final List<SlabLayout> movable = new ArrayList<>();
        for (final SlabLayout slab : slabs)
        {
            if (slab.allInSync())
            {
                movable.add(slab);
            }
        }
        movable.sort(Comparator.comparingLong(SlabLayout::volumeId).thenComparingInt(SlabLayout::index));
        while (moves.size() < maxMoves && spreadOf(model.values()) > spread)
        {
            final Pick pick = nextMove(movable, model, levelOf, spread, movedSlabs);
            if (pick == null)
            {
                break;
            }
            final RebuildPlan.Move move = pick.move();
            model.put(move.fromDriveId(), model.get(move.fromDriveId()).plus(-pick.bytes()));
            model.put(move.driveId(), model.get(move.driveId()).plus(pick.bytes()));
            movedSlabs.add(move.volumeId() + "-" + move.slab());
            moves.add(move);
        }
        return new Plan(moves, before);
    }

    /** A move and the bytes of the extent it moves. */
    private record Pick(RebuildPlan.Move move, long bytes)
    {
    }

    /** The first copy that can go from a fuller drive to an emptier one, fullest sources and emptiest targets first. */
    private static Pick nextMove(final List<SlabLayout> slabs, final Map<String, Candidate> model,
                                             final LongFunction<FaultDomainLevel> levelOf, final double spread,
                                             final Set<String> movedSlabs)
    {
        final List<Candidate> byUse = new ArrayList<>(model.values());
        byUse.sort(Comparator.comparingDouble(Candidate::utilisation).thenComparing(Candidate::driveId));
        for (int s = byUse.size() - 1; s > 0; s--)
        {
            final Candidate source = byUse.get(s);
            for (int t = 0; t < s; t++)
            {
                final Candidate target = byUse.get(t);
                if (source.utilisation() - target.utilisation() <= spread)
                {
                    break;
                }
                for (final SlabLayout slab : slabs)
                {
                    final Extent moving = copyOn(slab, source.driveId());
                    if (moving == null || movedSlabs.contains(slab.volumeId() + "-" + slab.index()))
                    {
                        continue;
                    }
                    final long bytes = slab.extentBytes();
                    // Strictly better, or two drives one extent apart would trade it back and forth.
                    final boolean fits = target.freeBytes() >= bytes &&
                        target.plus(bytes).utilisation() < source.utilisation();
                    if (fits && domainFree(slab, moving, target, model, levelOf.apply(slab.volumeId())))
                    {
                        return new Pick(new RebuildPlan.Move(slab.volumeId(), slab.index(), moving.copy(), source.driveId(),
                            target.driveId(), target.node()), bytes);
                    }
                }
            }
        }
        return null;
    }

    /** Whether no copy of the slab other than {@code moving} is in the target's fault domain. */
    private static boolean domainFree(final SlabLayout slab, final Extent moving, final Candidate target,
                                      final Map<String, Candidate> model, final FaultDomainLevel level)
    {
        final String domain = Placement.domainOf(target, level);
        for (final Extent extent : slab.extents())
        {
            if (extent == moving || extent.state() == ExtentState.RETIRED)
            {
                continue;
            }
            final Candidate other = model.get(extent.driveId());
            final String otherDomain = other != null ? Placement.domainOf(other, level) :
                level == FaultDomainLevel.NODE ? extent.node() : extent.driveId();
            if (otherDomain.equals(domain) || extent.driveId().equals(target.driveId()))
            {
                return false;
            }
        }
        return true;
    }

    private static Extent copyOn(final SlabLayout slab, final String driveId)
    {
        for (final Extent extent : slab.extents())
        {
            if (extent.driveId().equals(driveId) && extent.state() == ExtentState.IN_SYNC)
            {
                return extent;
            }
        }
        return null;
    }

    static double spreadOf(final Iterable<Candidate> drives)
    {
        double min = Double.MAX_VALUE;
        double max = -1;
        for (final Candidate drive : drives)
        {
            min = Math.min(min, drive.utilisation());
            max = Math.max(max, drive.utilisation());
        }
        return max < 0 ? 0 : max - min;
    }
}
