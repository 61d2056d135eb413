package io.cistern.storage.erasure;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The data path allocates nothing once a plan is cached: validation, the plan cache and the scalar
 * kernel. (The vector kernel's ByteVectors are allocation-free only after C2 has compiled the loop and
 * scalarised them, which a unit test cannot wait for reliably; JMH's {@code -prof gc} shows it.)
 */
@Timeout(60)
class AllocationTest
{
    @Test
    void encodeRepairAndUpdateAllocateNothingOnceThePlanIsCached()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ErasureCode code = ErasureCode.localReconstruction(12, 2, 1).withKernel(new ScalarKernel());
        final Random random = new Random(21);
        final ByteBuffer[] stripe = Stripes.random(random, 12, 15, 4096, true);
        final ByteBuffer newData = Stripes.copy(stripe[3]);
        final int erased = Columns.of(0, 1);
        final int oneLost = Columns.of(5);
        for (int warm = 0; warm < 3; warm++)
        {
            step(code, stripe, newData, erased, oneLost);
        }
        final long thread = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 20; i++)
        {
            step(code, stripe, newData, erased, oneLost);
        }
        assertEquals(0, threads.getThreadAllocatedBytes(thread) - before, "bytes allocated by 20 encodes, repairs and updates");
    }

    private static void step(final ErasureCode code, final ByteBuffer[] stripe, final ByteBuffer newData, final int erased, final int oneLost)
    {
        code.encode(stripe);
        code.reconstruct(stripe, erased);
        code.reconstruct(stripe, oneLost);
        code.updateParity(stripe, 3, stripe[3], newData);
    }
}
