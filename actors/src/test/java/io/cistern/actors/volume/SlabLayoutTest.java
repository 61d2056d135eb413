package io.cistern.actors.volume;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SlabLayoutTest
{
    @Test
    void primariesTakeTurnsOverTheCopiesSoEveryNodeSequencesItsShare()
    {
        final Map<String, Integer> primaries = new HashMap<>();
        for (int index = 0; index < 300; index++)
        {
            final SlabLayout layout = layout(index, ExtentState.IN_SYNC, ExtentState.IN_SYNC, ExtentState.IN_SYNC);
            primaries.merge(layout.primary().node(), 1, Integer::sum);
            assertEquals(layout.primary(), layout(index, ExtentState.IN_SYNC, ExtentState.IN_SYNC, ExtentState.IN_SYNC)
                .primary(), "a pure function of the layout");
        }
        assertEquals(Map.of("node-0", 100, "node-1", 100, "node-2", 100), primaries);
    }

    @Test
    void onlyAnInSyncCopyIsPrimary()
    {
        for (int index = 0; index < 10; index++)
        {
            final SlabLayout layout = layout(index, ExtentState.STALE, ExtentState.IN_SYNC, ExtentState.MISSING);
            assertEquals("node-1", layout.primary().node());
        }
        assertNull(layout(4, ExtentState.STALE, ExtentState.REBUILDING).primary());
    }

    private static SlabLayout layout(final int index, final ExtentState... states)
    {
        final List<Extent> extents = new ArrayList<>();
        for (int copy = 0; copy < states.length; copy++)
        {
            extents.add(new Extent(copy, "drive-" + copy, "node-" + copy, states[copy]));
        }
        return new SlabLayout(42, index, 1, 1 << 20, new ArrayList<>(extents));
    }
}
