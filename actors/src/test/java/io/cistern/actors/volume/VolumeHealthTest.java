package io.cistern.actors.volume;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VolumeHealthTest
{
    private static SlabLayout slab(final int index, final ExtentState... states)
    {
        final ArrayList<Extent> extents = new ArrayList<>();
        for (int i = 0; i < states.length; i++)
        {
            extents.add(new Extent(i, "d" + i, "node-" + i, states[i]));
        }
        return new SlabLayout(1, index, 1, 1 << 20, extents);
    }

    @Test
    void readsLikeAnAdministratorWould()
    {
        final ExtentState in = ExtentState.IN_SYNC;
        assertEquals(VolumeHealth.HEALTHY, VolumeHealth.of(List.of(slab(0, in, in, in), slab(1, in, in, in)), 3).state());
        assertEquals(new VolumeHealth(VolumeHealth.DEGRADED, "1 copy(ies) missed writes and wait for a resync; data online"),
            VolumeHealth.of(List.of(slab(0, in, ExtentState.STALE, in), slab(1, in, in, in)), 3));
        assertEquals(VolumeHealth.REPAIRING,
            VolumeHealth.of(List.of(slab(0, in, ExtentState.REBUILDING, in), slab(1, ExtentState.STALE, in, in)), 3).state());
        assertEquals(new VolumeHealth(VolumeHealth.INCOMPLETE,
                "1 slab(s) have fewer than a majority of copies in sync (first: slab 1): writes to them are refused"),
            VolumeHealth.of(List.of(slab(0, in, in, in), slab(1, ExtentState.STALE, ExtentState.STALE, in)), 3));
        assertEquals(VolumeHealth.DEGRADED, VolumeHealth.of(List.of(slab(0, ExtentState.STALE, in)), 2).state(),
            "a two-way mirror writes on one copy");
        assertEquals(VolumeHealth.INCOMPLETE, VolumeHealth.of(List.of(slab(3, ExtentState.STALE, ExtentState.STALE)), 2).state());
        assertEquals(VolumeHealth.HEALTHY, VolumeHealth.of(List.of(), 3).state(), "a thin volume never written");
    }
}
