package io.cistern.node.data;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Write ordering for one volume on this node: a write holds the locks of the 1 MiB regions it touches
 * while it reaches every copy, so two overlapping writes through this node land in the same order on
 * all copies, while writes to different regions go on in parallel. A range's locks are taken in
 * ascending stripe order, so two writers (or a writer and a heal) cannot deadlock.
 * Regions share a lock when they hash to the same stripe, which only costs parallelism.
 */
final class SlabLocks
{
    static final long REGION = 1 << 20;
    private static final int STRIPES = 256;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    SlabLocks()
    {
        for (int i = 0; i < STRIPES; i++)
        {
            locks[i] = new ReentrantLock();
        }
    }

    /** Locks the regions of {@code [offset, offset + length)} in slab {@code slab}; {@link #unlock} with the same arguments. */
    void lock(final int slab, final long offset, final int length)
    {
        final int[] stripes = stripes(slab, offset, length);
        for (final int stripe : stripes)
        {
            locks[stripe].lock();
        }
    }

    void unlock(final int slab, final long offset, final int length)
    {
        final int[] stripes = stripes(slab, offset, length);
        for (int i = stripes.length - 1; i >= 0; i--)
        {
            locks[stripes[i]].unlock();
        }
    }

    /** The distinct stripes of the regions a range touches, ascending: the one order every writer locks in. */
    private static int[] stripes(final int slab, final long offset, final int length)
    {
        final long first = offset / REGION;
        final long last = (offset + Math.max(length, 1) - 1) / REGION;
        final int[] stripes = new int[(int)(last - first + 1)];
        for (long region = first; region <= last; region++)
        {
            stripes[(int)(region - first)] = stripe(slab, region);
        }
        java.util.Arrays.sort(stripes);
        int distinct = 0;
        for (int i = 0; i < stripes.length; i++)
        {
            if (i == 0 || stripes[i] != stripes[i - 1])
            {
                stripes[distinct++] = stripes[i];
            }
        }
        return distinct == stripes.length ? stripes : java.util.Arrays.copyOf(stripes, distinct);
    }

    private static int stripe(final int slab, final long region)
    {
        return (int)((slab * 0x9E3779B97F4A7C15L + region * 0xC2B2AE3D27D4EB4FL) >>> 56) & (STRIPES - 1);
    }
}
