package io.cistern.actors.repair;

import io.cistern.actors.placement.Candidate;
import io.cistern.actors.placement.Placement;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.config.FaultDomainLevel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RebuildPlanTest
{
    private static final long MIB = 1L << 20;

    @Test
    void movesEveryCopyOfALostNodeToTheNodeTheSlabDoesNotUseAndSpreadsThem()
    {
        // Four nodes, two drives each; node-4 is lost. Every slab of mirror-3 on node-4 must go to
        // whichever of nodes 1-3 it does not use, and the two drives there share the load.
        final List<Candidate> pool = new ArrayList<>();
        for (int n = 1; n <= 4; n++)
        {
            for (int d = 1; d <= 2; d++)
            {
                pool.add(new Candidate("n" + n + "d" + d, "node-" + n, "node-" + n, 1024 * MIB, 0, n != 4));
            }
        }
        final List<SlabLayout> slabs = new ArrayList<>();
        for (int index = 0; index < 12; index++)
        {
            final ArrayList<Extent> extents = new ArrayList<>();
            final int skip = 1 + index % 4; // the node this slab does not use
            int copy = 0;
            for (int n = 1; n <= 4; n++)
            {
                if (n != skip)
                {
                    extents.add(new Extent(copy++, "n" + n + "d" + (1 + index % 2), "node-" + n, ExtentState.IN_SYNC));
                }
            }
            slabs.add(new SlabLayout(7, index, 3, 16 * MIB, extents));
        }
        final RebuildPlan.Plan plan = RebuildPlan.of(slabs, pool, Set.of("n4d1", "n4d2"), v -> FaultDomainLevel.NODE);
        assertEquals(List.of(), plan.refusals());
        assertEquals(9, plan.moves().size(), "the 9 slabs with a copy on node-4");
        final Map<String, Integer> perDrive = new HashMap<>();
        for (final RebuildPlan.Move move : plan.moves())
        {
            final SlabLayout slab = slabs.get(move.slab());
            final Set<String> nodes = new HashSet<>();
            slab.extents().forEach(e -> nodes.add(e.node()));
            assertFalse(nodes.contains(move.node()), move + " lands on a node the slab already uses");
            assertFalse(move.node().equals("node-4"));
            perDrive.merge(move.driveId(), 1, Integer::sum);
        }
        assertTrue(perDrive.values().stream().allMatch(c -> c <= 2), "spread over the drives: " + perDrive);
    }

    @Test
    void saysWhyACopyCannotBePlaced()
    {
        final List<Candidate> pool = List.of(new Candidate("a", "node-1", "node-1", 1024 * MIB, 0, true),
            new Candidate("b", "node-2", "node-2", 1024 * MIB, 0, true), new Candidate("c", "node-3", "node-3", 1024 * MIB, 0, false));
        final ArrayList<Extent> extents = new ArrayList<>(List.of(new Extent(0, "a", "node-1", ExtentState.IN_SYNC),
            new Extent(1, "b", "node-2", ExtentState.IN_SYNC), new Extent(2, "c", "node-3", ExtentState.STALE)));
        final RebuildPlan.Plan plan = RebuildPlan.of(List.of(new SlabLayout(0x2a, 5, 4, 16 * MIB, extents)), pool, Set.of("c"),
            v -> FaultDomainLevel.NODE);
        assertEquals(List.of(), plan.moves());
        assertEquals(List.of("slab 2a-5 copy 2: no node other than those of the slab's other copies (node-1, node-2) has a healthy " +
            "drive with 16777216 bytes free"), plan.refusals());
    }

    @Test
    void aCopyBeingHandedOverIsNotRebuiltToo()
    {
        final List<Candidate> pool = List.of(new Candidate("a", "node-1", "node-1", 1024 * MIB, 0, true),
            new Candidate("b", "node-2", "node-2", 1024 * MIB, 0, true), new Candidate("c", "node-3", "node-3", 1024 * MIB, 0, false),
            new Candidate("d", "node-4", "node-4", 1024 * MIB, 0, true));
        // Copy 2 on retiring drive c is handed over to copy 3 on d: no refusal, no second move.
        final ArrayList<Extent> extents = new ArrayList<>(List.of(new Extent(0, "a", "node-1", ExtentState.IN_SYNC),
            new Extent(1, "b", "node-2", ExtentState.IN_SYNC), new Extent(2, "c", "node-3", ExtentState.IN_SYNC),
            new Extent(3, "d", "node-4", ExtentState.REBUILDING)));
        final RebuildPlan.Plan plan = RebuildPlan.of(List.of(new SlabLayout(0x2a, 5, 4, 16 * MIB, extents)), pool, Set.of("c"),
            v -> FaultDomainLevel.NODE, v -> 3);
        assertEquals(List.of(), plan.moves());
        assertEquals(List.of(), plan.refusals());
        // The incoming copy's own drive retiring: that copy is moved (its handover goes on elsewhere).
        final List<Candidate> dRetiring = List.of(pool.get(0), pool.get(1), new Candidate("c", "node-3", "node-3", 1024 * MIB, 0, true),
            new Candidate("d", "node-4", "node-4", 1024 * MIB, 0, false));
        final RebuildPlan.Plan incoming = RebuildPlan.of(List.of(new SlabLayout(0x2a, 5, 4, 16 * MIB, extents)), dRetiring, Set.of("d"),
            v -> FaultDomainLevel.NODE, v -> 3);
        assertEquals(List.of("slab 2a-5 copy 3: no node other than those of the slab's other copies (node-1, node-2, node-3) has " +
            "a healthy drive with 16777216 bytes free"), incoming.refusals(), "the pool has no fifth node");
    }

    @Test
    void randomPoolsKeepTheFaultDomainRule()
    {
        final Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            final int nodes = 3 + random.nextInt(6);
            final List<Candidate> pool = new ArrayList<>();
            for (int n = 0; n < nodes; n++)
            {
                for (int d = 0; d < 1 + random.nextInt(3); d++)
                {
                    pool.add(new Candidate(n + "-" + d, "node-" + n, "node-" + n, 512 * MIB, random.nextInt(256) * MIB, n != 0));
                }
            }
            final List<SlabLayout> slabs = new ArrayList<>();
            for (int index = 0; index < 10; index++)
            {
                final Placement.Choice choice = Placement.choose(pool.stream().map(c -> new Candidate(c.driveId(), c.node(),
                    c.faultDomain(), c.capacityBytes(), c.allocatedBytes(), true)).toList(), 3, FaultDomainLevel.NODE, 16 * MIB, index);
                final ArrayList<Extent> extents = new ArrayList<>();
                for (int c = 0; c < 3; c++)
                {
                    final String drive = choice.driveIds().get(c);
                    extents.add(new Extent(c, drive, "node-" + drive.substring(0, drive.indexOf('-')), ExtentState.IN_SYNC));
                }
                slabs.add(new SlabLayout(1, index, 1, 16 * MIB, extents));
            }
            final Set<String> retiring = new HashSet<>();
            pool.stream().filter(c -> c.node().equals("node-0")).forEach(c -> retiring.add(c.driveId()));
            final RebuildPlan.Plan plan = RebuildPlan.of(slabs, pool, retiring, v -> FaultDomainLevel.NODE);
            for (final RebuildPlan.Move move : plan.moves())
            {
                final Set<String> others = new HashSet<>();
                slabs.get(move.slab()).extents().stream().filter(e -> e.copy() != move.copy()).forEach(e -> others.add(e.node()));
                assertFalse(others.contains(move.node()), move.toString());
                assertFalse(retiring.contains(move.driveId()), move.toString());
                assertTrue(retiring.contains(move.fromDriveId()), "moved from the retiring drive: " + move);
            }
            final long needed = slabs.stream().flatMap(s -> s.extents().stream()).filter(e -> retiring.contains(e.driveId())).count();
            assertEquals(needed, plan.moves().size() + plan.refusals().size());
        }
    }
}
