package io.cistern.node.data;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Write ordering for one volume on this node: a write holds its slab's lock while it reaches every
 * copy, so two overlapping writes through this node land in the same order on all copies. Striped:
 * slabs share a lock when their indexes are equal modulo the stripe count.
 */
final class SlabLocks
{
    private static final int STRIPES = 64;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    SlabLocks()
    {
        for (int i = 0; i < STRIPES; i++)
        {
            locks[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(final int slab)
    {
        return locks[slab % STRIPES];
    }
}
