package io.cistern.node.volume.redundancy.mirror;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.transport.DataStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mirror's decisions as pure functions. */
class MirrorRulesTest
{
    private static SlabLayout layout(final ExtentState... states)
    {
        final ArrayList<Extent> extents = new ArrayList<>();
        for (int c = 0; c < states.length; c++)
        {
            extents.add(new Extent(c, "d" + c, "n" + (c + 1), states[c]));
        }
        return new SlabLayout(1, 0, 1, 1 << 20, extents);
    }

    @Test
    void answersToAWriteDecideWhatComesNext()
    {
        assertEquals(MirrorRules.AfterWrite.DONE, MirrorRules.afterWrite(DataStatus.OK));
        assertEquals(MirrorRules.AfterWrite.MARK_MISSED, MirrorRules.afterWrite(DataStatus.degraded(0b110)));
        assertEquals(MirrorRules.AfterWrite.FAIL_OVER, MirrorRules.afterWrite(DataStatus.TIMEOUT));
        assertEquals(MirrorRules.AfterWrite.FAIL_OVER, MirrorRules.afterWrite(DataStatus.NOT_CONNECTED));
        assertEquals(MirrorRules.AfterWrite.FAIL_OVER, MirrorRules.afterWrite(DataStatus.FAILED_STOP));
        assertEquals(MirrorRules.AfterWrite.REFRESH, MirrorRules.afterWrite(DataStatus.STALE_EPOCH));
        assertEquals(MirrorRules.AfterWrite.REFRESH, MirrorRules.afterWrite(DataStatus.NOT_PRIMARY));
        assertEquals(MirrorRules.AfterWrite.FAIL, MirrorRules.afterWrite(DataStatus.IO_ERROR));
        assertEquals(MirrorRules.AfterWrite.FAIL, MirrorRules.afterWrite(DataStatus.OUT_OF_RANGE));
    }

    @Test
    void answersToAFlushDecideWhatComesNext()
    {
        assertEquals(MirrorRules.AfterFlush.DONE, MirrorRules.afterFlush(DataStatus.OK));
        assertEquals(MirrorRules.AfterFlush.RETRY, MirrorRules.afterFlush(DataStatus.FAILED_STOP));
        assertEquals(MirrorRules.AfterFlush.MARK_NODE_STALE, MirrorRules.afterFlush(DataStatus.TIMEOUT));
        assertEquals(MirrorRules.AfterFlush.FAIL, MirrorRules.afterFlush(DataStatus.IO_ERROR));
    }

    @Test
    void aWriteNeedsAMajorityOfTheCopiesInSyncAndATwoWayMirrorOne()
    {
        final ExtentState in = ExtentState.IN_SYNC;
        final ExtentState out = ExtentState.STALE;
        assertTrue(MirrorRules.canAcknowledge(layout(in, in, out), 3));
        assertFalse(MirrorRules.canAcknowledge(layout(in, out, out), 3));
        assertFalse(MirrorRules.canAcknowledge(layout(in, ExtentState.REBUILDING, out), 3), "a rebuilding copy does not count");
        assertTrue(MirrorRules.canAcknowledge(layout(in, out), 2));
        assertFalse(MirrorRules.canAcknowledge(layout(out, out), 2));
        assertFalse(MirrorRules.canAcknowledge(null, 3), "a mark that could not be made");
    }

    @Test
    void readsTryThisNodesInSyncCopyFirstAndNeverAnOutOfSyncOne()
    {
        final SlabLayout slab = layout(ExtentState.IN_SYNC, ExtentState.STALE, ExtentState.IN_SYNC, ExtentState.REBUILDING);
        final Extent[] order = new Extent[4];
        assertEquals(2, MirrorRules.readOrder(slab, "n3", order));
        assertEquals(List.of(2, 0), List.of(order[0].copy(), order[1].copy()));
        assertEquals(2, MirrorRules.readOrder(slab, "n2", order), "n2's copy is stale");
        assertEquals(List.of(0, 2), List.of(order[0].copy(), order[1].copy()));
        assertEquals(2, MirrorRules.localInSync(slab, "n3").copy());
        assertNull(MirrorRules.localInSync(slab, "n2"));
    }

    @Test
    void healsRewriteTheWholeBlocksAroundABadRangeWithinTheExtent()
    {
        assertEquals(4096, MirrorRules.healFrom(5000));
        assertEquals(12288, MirrorRules.healTo(1 << 20, 5000, 4096));
        assertEquals(10000, MirrorRules.healTo(10000, 5000, 4096), "never past the extent's end");
        assertEquals(0b101, MirrorRules.inSyncCopiesOn(new SlabLayout(1, 0, 1, 4096, new ArrayList<>(List.of(
            new Extent(0, "a", "x", ExtentState.IN_SYNC), new Extent(1, "b", "y", ExtentState.IN_SYNC),
            new Extent(2, "c", "x", ExtentState.IN_SYNC), new Extent(3, "d", "x", ExtentState.STALE)))), "x"));
    }
}
