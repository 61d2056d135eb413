package io.cistern.actors.repair;

import io.cistern.actors.volume.Slab;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResyncPlanTest
{
    private static final int MIB = 1 << 20;

    @Test
    void copiesTheUnionOfWhatTheSlabSawMissedAndWhatThePrimaryMapped()
    {
        final List<Slab.DirtyRange> missed = List.of(new Slab.DirtyRange(1, 100, 200), new Slab.DirtyRange(2, 0, 16 * MIB),
            new Slab.DirtyRange(1, 3L * MIB - 4096, 8192));
        final long[] map = {0b1001};
        final List<ResyncPlan.Range> ranges = ResyncPlan.ranges(missed, 1, map, MIB, 16L * MIB);
        assertEquals(List.of(new ResyncPlan.Range(0, MIB), new ResyncPlan.Range(3L * MIB - 4096, MIB + 4096)), ranges,
            "block-aligned, merged, and copy 2's range left out");
        assertEquals(2L * MIB + 4096, ResyncPlan.bytes(ranges));
    }

    @Test
    void nothingMissedAndNothingMappedCopiesNothing()
    {
        assertEquals(List.of(), ResyncPlan.ranges(List.of(), 0, null, MIB, 16L * MIB));
        assertEquals(List.of(), ResyncPlan.ranges(List.of(), 0, new long[] {0}, MIB, 16L * MIB));
    }

    @Test
    void aResumedPlanCopiesOnlyWhatLiesAboveTheCheckpoint()
    {
        final List<ResyncPlan.Range> plan = List.of(new ResyncPlan.Range(0, MIB), new ResyncPlan.Range(3L * MIB, 2L * MIB),
            new ResyncPlan.Range(8L * MIB, MIB));
        assertEquals(plan, ResyncPlan.from(plan, 0));
        assertEquals(List.of(new ResyncPlan.Range(4L * MIB, MIB), new ResyncPlan.Range(8L * MIB, MIB)), ResyncPlan.from(plan, 4L * MIB),
            "the range the checkpoint falls in is cut at it");
        assertEquals(List.of(new ResyncPlan.Range(8L * MIB, MIB)), ResyncPlan.from(plan, 5L * MIB), "a range ending at it is done");
        assertEquals(List.of(), ResyncPlan.from(plan, 9L * MIB));
        assertEquals(MIB, ResyncPlan.bytes(ResyncPlan.from(ResyncPlan.whole(16L * MIB), 15L * MIB)));
    }

    @Test
    void aMapRegionPastTheEndOfAShortExtentIsCutAtTheEnd()
    {
        assertEquals(List.of(new ResyncPlan.Range(MIB, MIB / 2)), ResyncPlan.ranges(List.of(), 0, new long[] {0b10}, MIB, MIB + MIB / 2));
    }

    @Test
    void randomPlansCoverEveryMissedByteAndNoRangesTouch()
    {
        final Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++)
        {
            final long extent = (1 + random.nextInt(64)) * (long)MIB;
            final List<Slab.DirtyRange> missed = new ArrayList<>();
            for (int i = random.nextInt(8); i > 0; i--)
            {
                final long at = (long)(random.nextDouble() * extent);
                missed.add(new Slab.DirtyRange(0, at, 1 + random.nextInt((int)Math.min(extent - at, 3L * MIB))));
            }
            final long[] map = {random.nextLong() & ((1L << Math.min(63, extent / MIB)) - 1)};
            final List<ResyncPlan.Range> ranges = ResyncPlan.ranges(missed, 0, map, MIB, extent);
            for (int i = 1; i < ranges.size(); i++)
            {
                assertTrue(ranges.get(i - 1).end() < ranges.get(i).offset(), "disjoint and not touching: " + ranges);
            }
            for (final ResyncPlan.Range range : ranges)
            {
                assertTrue(range.offset() % ResyncPlan.BLOCK == 0 && range.end() <= extent, range.toString());
            }
            for (final Slab.DirtyRange m : missed)
            {
                assertTrue(covered(ranges, m.offset()) && covered(ranges, m.offset() + m.length() - 1), m + " in " + ranges);
            }
            for (int region = 0; region < 64; region++)
            {
                if ((map[0] & (1L << region)) != 0)
                {
                    assertTrue(covered(ranges, (long)region * MIB) && covered(ranges, (region + 1L) * MIB - 1));
                }
            }
        }
    }

    private static boolean covered(final List<ResyncPlan.Range> ranges, final long at)
    {
        return ranges.stream().anyMatch(r -> r.offset() <= at && at < r.end());
    }
}
