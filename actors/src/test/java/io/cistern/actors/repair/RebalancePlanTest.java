package io.cistern.actors.repair;

import io.cistern.actors.placement.Candidate;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.config.FaultDomainLevel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RebalancePlanTest
{
    private static final long MIB = 1L << 20;

    /** Four slabs of mirror-3 on nodes 1-3 (16 MiB extents on 256 MiB drives: 25% each), node-4 empty. */
    private static List<SlabLayout> slabs(final ExtentState slabZeroCopyTwo)
    {
        final List<SlabLayout> slabs = new ArrayList<>();
        for (int index = 0; index < 4; index++)
        {
            final ArrayList<Extent> extents = new ArrayList<>();
            for (int copy = 0; copy < 3; copy++)
            {
                final ExtentState state = index == 0 && copy == 2 ? slabZeroCopyTwo : ExtentState.IN_SYNC;
                extents.add(new Extent(copy, "n" + (copy + 1), "node-" + (copy + 1), state));
            }
            slabs.add(new SlabLayout(7, index, 2, 16 * MIB, extents));
        }
        return slabs;
    }

    private static List<Candidate> pool(final boolean node4Healthy)
    {
        final List<Candidate> pool = new ArrayList<>();
        for (int n = 1; n <= 3; n++)
        {
            pool.add(new Candidate("n" + n, "node-" + n, "node-" + n, 256 * MIB, 64 * MIB, true));
        }
        pool.add(new Candidate("n4", "node-4", "node-4", 256 * MIB, 0, node4Healthy));
        return pool;
    }

    @Test
    void aNewEmptyNodeTakesCopiesFromEachFullerOneUntilTheyAreEven()
    {
        final RebalancePlan.Plan plan = RebalancePlan.of(slabs(ExtentState.IN_SYNC), pool(true), v -> FaultDomainLevel.NODE, 0.10, 10);

        assertEquals(0.25, plan.spread(), 1e-9);
        assertEquals(3, plan.moves().size(), plan.toString());
        final Set<String> from = new HashSet<>();
        final Set<Integer> slabsMoved = new HashSet<>();
        for (final RebuildPlan.Move move : plan.moves())
        {
            assertEquals("n4", move.driveId());
            assertEquals("node-4", move.node());
            from.add(move.fromDriveId());
            slabsMoved.add(move.slab());
        }
        assertEquals(Set.of("n1", "n2", "n3"), from, "one copy from each fuller drive: 18.75% everywhere after");
        assertEquals(3, slabsMoved.size(), "one copy per slab, so no slab has two copies rebuilding at once");
    }

    @Test
    void drivesWithinTheSpreadStayPut()
    {
        final RebalancePlan.Plan plan = RebalancePlan.of(slabs(ExtentState.IN_SYNC), pool(true), v -> FaultDomainLevel.NODE, 0.25, 10);

        assertEquals(List.of(), plan.moves());
    }

    @Test
    void movesAtMostMaxMovesAtATime()
    {
        assertEquals(2, RebalancePlan.of(slabs(ExtentState.IN_SYNC), pool(true), v -> FaultDomainLevel.NODE, 0.10, 2).moves().size());
    }

    @Test
    void aSlabBeingRepairedIsNotMovedAndAnUnhealthyDriveGetsNothing()
    {
        final RebalancePlan.Plan repairing = RebalancePlan.of(slabs(ExtentState.STALE), pool(true), v -> FaultDomainLevel.NODE, 0.10, 10);
        assertTrue(repairing.moves().stream().noneMatch(m -> m.slab() == 0), repairing.toString());
        assertEquals(3, repairing.moves().size());

        assertEquals(List.of(), RebalancePlan.of(slabs(ExtentState.IN_SYNC), pool(false), v -> FaultDomainLevel.NODE, 0.10, 10).moves(),
            "without node-4 the healthy drives are even");
    }

    @Test
    void aCopyNeverJoinsAnotherCopyOfItsSlabInOneFaultDomain()
    {
        // node-4 is a second drive of node-1's fault domain: moving a copy there would put two copies of a
        // slab in one domain, unless the copy moving is node-1's own.
        final List<Candidate> pool = new ArrayList<>(pool(true).subList(0, 3));
        pool.add(new Candidate("n4", "node-1", "node-1", 256 * MIB, 0, true));
        final RebalancePlan.Plan plan = RebalancePlan.of(slabs(ExtentState.IN_SYNC), pool, v -> FaultDomainLevel.NODE, 0.10, 10);

        assertTrue(plan.moves().size() > 0);
        for (final RebuildPlan.Move move : plan.moves())
        {
            assertEquals("n1", move.fromDriveId(), "only node-1's own copies may move to its other drive: " + plan);
        }
    }

    @Test
    void twoDrivesOneExtentApartDoNotTradeItBackAndForth()
    {
        // n1-n3 hold 25% each and n4 18.75%, with 5 points allowed: moving one 6.25% extent onto n4 would
        // only swap which drive is fuller.
        final List<Candidate> pool = new ArrayList<>(pool(true).subList(0, 3));
        pool.add(new Candidate("n4", "node-4", "node-4", 256 * MIB, 48 * MIB, true));
        assertEquals(List.of(), RebalancePlan.of(slabs(ExtentState.IN_SYNC), pool, v -> FaultDomainLevel.NODE, 0.05, 10).moves());
    }
}
