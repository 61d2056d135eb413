package io.cistern.node.volume.redundancy.mirror;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.transport.DataStatus;

/**
 * The decisions of a mirror, as pure functions of a layout and an answer: what {@link MirrorStrategy}
 * does with them is I/O. Tested directly (MirrorRulesTest).
 * <p>
 * Which copy is primary ({@link SlabLayout#primary()}) and the write quorum ({@link SlabLayout#writeQuorum(int)})
 * are the layout's own, because the data servers (which sequence writes) and the Slab entity decide with
 * them too; the rules here name them for the front end.
 */
public final class MirrorRules
{
    /** How long a read waits for a copy before it asks the next: far above a loaded read's latency here. */
    public static final long READ_PATIENCE_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1000);

    /** Checksummed block: heals rewrite whole ones. */
    public static final long BLOCK = 4096;

    /** What to do after the primary answered a write. */
    public enum AfterWrite
    {
        /** Every copy has it: acknowledge. */
        DONE,
        /** The primary has it, some copies do not: mark those stale, then acknowledge if a majority is left. */
        MARK_MISSED,
        /** The primary did not answer or its drive failed: mark it stale, send the write to the next primary. */
        FAIL_OVER,
        /** The layout moved on (stale epoch, not the primary): refetch it and send again. */
        REFRESH,
        /** Anything else: the write fails with that status. */
        FAIL
    }

    /** What to do after a node answered a flush. */
    public enum AfterFlush
    {
        DONE,
        /** Its drive failed: its node is marking the drive's copies stale; ask again shortly. */
        RETRY,
        /** It did not answer: it may have lost writes it acknowledged, so its copies are marked stale whole. */
        MARK_NODE_STALE,
        FAIL
    }

    private MirrorRules()
    {
    }

    public static AfterWrite afterWrite(final int status)
    {
        if (status == DataStatus.OK)
        {
            return AfterWrite.DONE;
        }
        if (DataStatus.isDegraded(status))
        {
            return AfterWrite.MARK_MISSED;
        }
        if (status == DataStatus.TIMEOUT || status == DataStatus.NOT_CONNECTED || status == DataStatus.FAILED_STOP)
        {
            return AfterWrite.FAIL_OVER;
        }
        if (status == DataStatus.STALE_EPOCH || status == DataStatus.NOT_PRIMARY)
        {
            return AfterWrite.REFRESH;
        }
        return AfterWrite.FAIL;
    }

    public static AfterFlush afterFlush(final int status)
    {
        if (status == DataStatus.OK)
        {
            return AfterFlush.DONE;
        }
        if (status == DataStatus.FAILED_STOP)
        {
            return AfterFlush.RETRY;
        }
        if (status == DataStatus.TIMEOUT || status == DataStatus.NOT_CONNECTED)
        {
            return AfterFlush.MARK_NODE_STALE;
        }
        return AfterFlush.FAIL;
    }

    /**
     * Whether a write may be acknowledged under {@code layout}: a majority of the copies in sync, so that
     * two sides of a partition cannot both accept writes (a two-way mirror needs one; see
     * {@link SlabLayout#writeQuorum(int)}). A null layout (a mark that could not be made) never may.
     *
     * @param copies the volume's copies of each slab; a copy coming in to take another's place is not one.
     */
    public static boolean canAcknowledge(final SlabLayout layout, final int copies)
    {
        return layout != null && layout.inSyncCount() >= SlabLayout.writeQuorum(copies);
    }

    /**
     * Whether marking the copies in {@code missed} stale would still leave a majority of the volume's copies
     * in sync: if not, a write had better be tried again than have them marked (see MirrorStrategy#write).
     */
    public static boolean keepsQuorum(final SlabLayout layout, final int missed, final int copies)
    {
        int left = 0;
        for (final Extent extent : layout.extents())
        {
            left += extent.state() == ExtentState.IN_SYNC && (missed & 1 << extent.copy()) == 0 ? 1 : 0;
        }
        return left >= SlabLayout.writeQuorum(copies);
    }

    /**
     * The copies a read tries, in order: this node's in-sync copy first (no network hop), then the other
     * in-sync ones in layout order. Stale and rebuilding copies are never read.
     *
     * @param into filled from index 0; at least as long as the layout's copies.
     * @return how many were put in {@code into}.
     */
    public static int readOrder(final SlabLayout layout, final String localNode, final Extent[] into)
    {
        int count = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            for (final Extent extent : layout.extents())
            {
                if (extent.state() == ExtentState.IN_SYNC && extent.node().equals(localNode) == (pass == 0))
                {
                    into[count++] = extent;
                }
            }
        }
        return count;
    }

    /**
     * How long a read waits for copy {@code i} of the {@code copies} in its order: a copy with others after it
     * gets {@link #READ_PATIENCE_NS}, after which the next one is asked (a node that died answers nothing, and
     * its stream is not known to be gone for seconds); the last copy gets the whole request timeout (0).
     */
    public static long readPatienceNs(final int i, final int copies)
    {
        return i < copies - 1 ? READ_PATIENCE_NS : 0;
    }

    /** This node's in-sync copy, the one a direct read may use; null if it has none. */
    public static Extent localInSync(final SlabLayout layout, final String localNode)
    {
        for (final Extent extent : layout.extents())
        {
            if (extent.state() == ExtentState.IN_SYNC && extent.node().equals(localNode))
            {
                return extent;
            }
        }
        return null;
    }

    /** Where a heal of a bad range starts: the range's first whole block. */
    public static long healFrom(final long inExtent)
    {
        return inExtent / BLOCK * BLOCK;
    }

    /** Where a heal of a bad range ends: past its last whole block, within the extent. */
    public static long healTo(final long extentBytes, final long inExtent, final long length)
    {
        return Math.min(extentBytes, (inExtent + length + BLOCK - 1) / BLOCK * BLOCK);
    }

    /** The in-sync copies of {@code node} as a bit mask: what a flush it did not answer marks stale. */
    public static int inSyncCopiesOn(final SlabLayout layout, final String node)
    {
        int copies = 0;
        for (final Extent extent : layout.extents())
        {
            copies |= extent.state() == ExtentState.IN_SYNC && extent.node().equals(node) ? 1 << extent.copy() : 0;
        }
        return copies;
    }
}
