package io.cistern.node.data;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the data plane may trust in a node's layout table: fences, pauses, deletes. */
class LayoutTableTest
{
    private static SlabLayout layout(final int index, final long epoch)
    {
        return new SlabLayout(9, index, epoch, 1 << 20, new ArrayList<>(List.of(
            new Extent(0, "a", "n1", ExtentState.IN_SYNC), new Extent(1, "b", "n2", ExtentState.IN_SYNC))));
    }

    @Test
    void aFenceHidesOlderLayoutsUntilOneAtLeastAsNewArrives()
    {
        final LayoutTable table = new LayoutTable();
        final SlabLayout old = layout(2, 4);
        table.placed(old);
        table.fence(9, 2, 5);
        assertNull(table.get(9, 2), "epoch 4 is below the fence");
        assertEquals(-1, table.epoch(9, 2), "the data server refuses every epoch meanwhile");
        table.placed(layout(2, 4));
        assertNull(table.get(9, 2), "the view replaying an older event does not lift the fence");
        final SlabLayout fresh = layout(2, 5);
        table.placed(fresh);
        assertSame(fresh, table.get(9, 2));
        table.fence(9, 2, 3);
        assertSame(fresh, table.get(9, 2), "an older fence changes nothing");
    }

    @Test
    void afterAPauseEveryLayoutIsDistrustedUntilTheJournalConfirmsIt()
    {
        final LayoutTable table = new LayoutTable();
        table.placed(layout(0, 1));
        table.placed(layout(1, 3));
        table.placed(layout(2, 1));
        final long token = table.distrust();
        assertNull(table.get(9, 0));
        assertNull(table.get(9, 1));
        assertTrue(table.isDistrusted(9, 0));
        table.placed(layout(0, 2));
        assertNull(table.get(9, 0), "news from the view or an entity is not confirmation");

        // The journal has slab 0 at epoch 2, slab 1 as it was, and slab 2 freed meanwhile.
        final SlabLayout zero = layout(0, 2);
        final SlabLayout one = layout(1, 3);
        final java.util.Map<Integer, SlabLayout> journal = java.util.Map.of(0, zero, 1, one);
        assertEquals(-1, table.confirmAll((volume, index) -> journal.get(index), token - 1),
            "a catch-up asked before the last pause confirms nothing");
        assertTrue(table.isDistrusted(9, 0));
        assertEquals(3, table.confirmAll((volume, index) -> journal.get(index), token));
        assertSame(zero, table.get(9, 0));
        assertSame(one, table.get(9, 1));
        assertFalse(table.isDistrusted(9, 1));
        assertNull(table.get(9, 2), "freed in the journal: forgotten");
        assertFalse(table.isDistrusted(9, 2));
        assertEquals(0, table.confirmAll((volume, index) -> null, token), "nothing is distrusted any more");
    }

    @Test
    void deletedVolumesAreKnownWithoutAllocating()
    {
        final LayoutTable table = new LayoutTable();
        table.volumeDeleted(42);
        table.volumeDeleted(7);
        table.volumeDeleted(42);
        assertTrue(table.isDeleted(42) && table.isDeleted(7));
        assertFalse(table.isDeleted(9));
    }
}
