package io.cistern.node.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SlabLocksTest
{
    private final SlabLocks locks = new SlabLocks();

    /** True if another thread cannot take the locks of this range within 300 ms (it takes them once they are free). */
    private boolean blocks(final int slab, final long offset, final int length) throws InterruptedException
    {
        final CountDownLatch acquired = new CountDownLatch(1);
        final Thread other = new Thread(() ->
        {
            locks.lock(slab, offset, length);
            acquired.countDown();
            locks.unlock(slab, offset, length);
        });
        other.setDaemon(true);
        other.start();
        return !acquired.await(300, TimeUnit.MILLISECONDS);
    }

    @Test
    void anOverlappingWriteWaitsForTheFirst() throws Exception
    {
        locks.lock(3, 5 * SlabLocks.REGION - 4096, 8192); // spans regions 4 and 5
        try
        {
            assertTrue(blocks(3, 5 * SlabLocks.REGION + 100, 512), "a write into region 5 must wait");
            assertTrue(blocks(3, 4 * SlabLocks.REGION, 4096), "a write into region 4 must wait");
        }
        finally
        {
            locks.unlock(3, 5 * SlabLocks.REGION - 4096, 8192);
        }
    }

    @Test
    void writesToOtherRegionsOrSlabsGoOn() throws Exception
    {
        locks.lock(3, 0, 4096);
        try
        {
            int waited = 0;
            for (int region = 1; region < 64; region++)
            {
                waited += blocks(3, region * SlabLocks.REGION, 4096) ? 1 : 0;
            }
            // Stripes are shared by hashing, so a few distant regions may wait; most must not.
            assertTrue(waited <= 2, waited + " of 63 other regions waited");
            assertFalse(blocks(4, 0, 4096) && blocks(5, 0, 4096) && blocks(6, 0, 4096), "other slabs go on");
        }
        finally
        {
            locks.unlock(3, 0, 4096);
        }
    }
}
