package io.cistern.actors.pool;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool view's fold: events folded once however many reads bring them, snapshots read back into it. */
class PoolStateTest
{
    private static final long VOLUME = 0x42L;

    /** What the listener heard. */
    private static final class Heard implements SlabListener
    {
        final List<SlabLayout> placed = new ArrayList<>();
        final List<Integer> freed = new ArrayList<>();
        long caughtUpToken = -1;
        SlabListener.Layouts caughtUp;

        @Override
        public void placed(final SlabLayout layout)
        {
            placed.add(layout);
        }

        @Override
        public void freed(final long volumeId, final int index)
        {
            freed.add(index);
        }

        @Override
        public void caughtUp(final Layouts layouts, final long token)
        {
            caughtUp = layouts;
            caughtUpToken = token;
        }
    }

    private static SlabLayout layout(final int index, final long epoch)
    {
        return new SlabLayout(VOLUME, index, epoch, 1L << 20, new ArrayList<>(List.of(
            new Extent(0, "d1", "node-1", ExtentState.IN_SYNC), new Extent(1, "d2", "node-2", ExtentState.IN_SYNC))));
    }

    private static EventEnvelope envelope(final long ordering, final int index, final long sequenceNr, final Slab.Event event)
    {
        return new EventEnvelope(Offset.sequence(ordering), Slab.persistenceId(VOLUME, index), sequenceNr, event, 0L);
    }

    @Test
    void anEventBroughtTwiceIsFoldedOnce()
    {
        final Heard heard = new Heard();
        final PoolState state = new PoolState(heard);
        assertTrue(state.apply(Slab.TAG, envelope(5, 0, 1, new Slab.Placed(layout(0, 1)))));
        assertTrue(state.apply(Slab.TAG, envelope(6, 1, 1, new Slab.Placed(layout(1, 1)))));
        assertTrue(state.apply(Slab.TAG, envelope(9, 1, 2, new Slab.Freed(VOLUME, 1))));
        // A catch-up read from an older offset brings them again: nothing changes.
        assertFalse(state.apply(Slab.TAG, envelope(6, 1, 1, new Slab.Placed(layout(1, 1)))));
        assertFalse(state.apply(Slab.TAG, envelope(9, 1, 2, new Slab.Freed(VOLUME, 1))));
        assertEquals(Offset.sequence(9), state.offset(Slab.TAG));
        assertEquals(2, heard.placed.size());
        assertEquals(List.of(1), heard.freed);
        assertEquals(1, state.allSlabs().size());

        state.caughtUp(7);
        assertEquals(7, heard.caughtUpToken);
        assertEquals(layout(0, 1), heard.caughtUp.placed(VOLUME, 0));
        assertNull(heard.caughtUp.placed(VOLUME, 1), "freed");
        assertNull(heard.caughtUp.placed(VOLUME, 5), "never placed");
    }

    @Test
    void aSnapshotReadBackTellsTheListenerWhatTheEventsWould()
    {
        final PoolState before = new PoolState(SlabListener.NONE);
        before.apply(Slab.TAG, envelope(3, 0, 1, new Slab.Placed(layout(0, 1))));
        before.apply(Slab.TAG, envelope(4, 2, 1, new Slab.Placed(layout(2, 1))));

        final Heard heard = new Heard();
        final PoolState after = new PoolState(heard);
        after.restore(before.contents());
        assertEquals(List.of(layout(0, 1), layout(2, 1)), heard.placed);
        assertEquals(Offset.sequence(4), after.offset(Slab.TAG));
        assertFalse(after.apply(Slab.TAG, envelope(4, 2, 1, new Slab.Placed(layout(2, 1)))), "the snapshot had it");
        assertTrue(after.apply(Slab.TAG, envelope(8, 2, 2, new Slab.Freed(VOLUME, 2))));
        assertEquals(List.of(layout(0, 1)), after.allSlabs());
    }

    @Test
    void eachDrivesAllocationFollowsItsSlabsAndComesBackWithASnapshot()
    {
        final PoolState state = new PoolState(SlabListener.NONE);
        state.apply(Slab.TAG, envelope(1, 0, 1, new Slab.Placed(layout(0, 1))));
        state.apply(Slab.TAG, envelope(2, 1, 1, new Slab.Placed(layout(1, 1))));
        assertEquals(2L << 20, state.allocatedOn("d1"));
        // Copy 1 of slab 0 rebuilt on d3: d2 gives its space back, d3 takes it.
        state.apply(Slab.TAG, envelope(3, 0, 2, new Slab.ExtentReplaced(1, "d3", "node-3", "d2 failed")));
        assertEquals(1L << 20, state.allocatedOn("d2"));
        assertEquals(1L << 20, state.allocatedOn("d3"));
        state.apply(Slab.TAG, envelope(4, 1, 2, new Slab.Freed(VOLUME, 1)));
        assertEquals(1L << 20, state.allocatedOn("d1"));
        assertEquals(0, state.allocatedOn("d2"));

        final PoolState restored = new PoolState(SlabListener.NONE);
        restored.restore(state.contents());
        for (final String drive : List.of("d1", "d2", "d3"))
        {
            assertEquals(state.allocatedOn(drive), restored.allocatedOn(drive), drive);
        }
    }

    @Test
    void eachVolumesSlabsOutOfSyncAreCountedAsTheirLayoutsChange()
    {
        final PoolState state = new PoolState(SlabListener.NONE);
        state.apply(Slab.TAG, envelope(1, 0, 1, new Slab.Placed(layout(0, 1))));
        state.apply(Slab.TAG, envelope(2, 1, 1, new Slab.Placed(layout(1, 1))));
        assertEquals(List.of(), state.volumeHealth(), "every copy in sync");
        state.apply(Slab.TAG, envelope(3, 0, 2, new Slab.MarkedStale(0b10, 0, 4096)));
        assertEquals(List.of(new VolumeCopies.Health(VOLUME, 1, 0, 0, java.util.Map.of("node-2", 1))), state.volumeHealth());
        state.apply(Slab.TAG, envelope(4, 0, 3, new Slab.ResyncStarted(1)));
        assertEquals(List.of(new VolumeCopies.Health(VOLUME, 1, 0, 1, java.util.Map.of("node-2", 1))), state.volumeHealth());
        state.apply(Slab.TAG, envelope(5, 0, 4, new Slab.ResyncFinished(1)));
        assertEquals(List.of(), state.volumeHealth(), "in sync again");

        final PoolState restored = new PoolState(SlabListener.NONE);
        state.apply(Slab.TAG, envelope(6, 1, 2, new Slab.MarkedStale(0b01, 0, 4096)));
        restored.restore(state.contents());
        assertEquals(state.volumeHealth(), restored.volumeHealth(), "counted again from a snapshot");
    }
}
