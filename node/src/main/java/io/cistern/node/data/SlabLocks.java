package io.cistern.node.data;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Write ordering for one volume on this node: a write holds the locks of the 1 MiB regions it touches
 * while it reaches every copy, so two overlapping writes through this node land in the same order on
 * all copies, while writes to different regions go on in parallel. A chunk spans at most two regions
 * (chunks are at most 1 MiB); their locks are taken in stripe order, so two writers cannot deadlock.
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
        final int first = stripe(slab, offset / REGION);
        final int last = stripe(slab, (offset + Math.max(length, 1) - 1) / REGION);
        locks[Math.min(first, last)].lock();
        if (first != last)
        {
            locks[Math.max(first, last)].lock();
        }
    }

    void unlock(final int slab, final long offset, final int length)
    {
        final int first = stripe(slab, offset / REGION);
        final int last = stripe(slab, (offset + Math.max(length, 1) - 1) / REGION);
        if (first != last)
        {
            locks[Math.max(first, last)].unlock();
        }
        locks[Math.min(first, last)].unlock();
    }

    private static int stripe(final int slab, final long region)
    {
        return (int)((slab * 0x9E3779B97F4A7C15L + region * 0xC2B2AE3D27D4EB4FL) >>> 56) & (STRIPES - 1);
    }
}
