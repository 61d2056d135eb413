package io.cistern.storage.erasure;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(120)
class ReedSolomonTest
{
    /** Not a multiple of any vector width, so every run also goes through the scalar tail. */
    private static final int LENGTH = 1000 + 37;

    @Test
    void rebuildsEveryErasurePatternUpToMForSmallCodes()
    {
        final Random random = new Random(1);
        for (int m = 1; m <= StripeLayout.MAX_PARITY; m++)
        {
            for (int k = 1; k + m <= 10; k++)
            {
                final ErasureCode code = ErasureCode.reedSolomon(k, m);
                final ByteBuffer[] original = encoded(code, random, random.nextBoolean());
                int patterns = 0;
                for (int erased = 1; erased < 1 << code.columns(); erased++)
                {
                    if (Integer.bitCount(erased) <= m)
                    {
                        assertRebuilds(code, original, erased, random);
                        patterns++;
                    }
                }
                assertEquals(lostSetsUpTo(k + m, m), patterns, code.toString());
            }
        }
    }

    @Test
    void rebuildsRandomErasurePatternsOfLargerCodes()
    {
        final Random random = new Random(2);
        for (final int[] shape : new int[][] {{10, 4}, {12, 3}, {16, 4}, {17, 3}, {19, 1}})
        {
            final ErasureCode code = ErasureCode.reedSolomon(shape[0], shape[1]);
            final ByteBuffer[] original = encoded(code, random, true);
            for (int trial = 0; trial < 200; trial++)
            {
                assertRebuilds(code, original, randomSet(random, code.columns(), 1 + random.nextInt(shape[1])), random);
            }
        }
    }

    @Test
    void refusesMoreLossesThanParityAndSaysWhich()
    {
        final ErasureCode code = ErasureCode.reedSolomon(4, 2);
        final ByteBuffer[] stripe = encoded(code, new Random(3), false);
        final int erased = Columns.of(0, 2, 5);
        assertFalse(code.plan(erased).isRecoverable());
        final UnrecoverableErasureException e = assertThrows(UnrecoverableErasureException.class, () -> code.reconstruct(stripe, erased));
        assertEquals("RS(4,2) cannot rebuild 3 lost columns [0, 2, 5]: at most 2 can be", e.getMessage());
    }

    @Test
    void readsExactlyKSurvivorsAndNothingElse()
    {
        final ErasureCode code = ErasureCode.reedSolomon(6, 2);
        final Random random = new Random(4);
        final ByteBuffer[] original = encoded(code, random, false);
        final int erased = Columns.of(1, 4);
        final RepairPlan plan = code.plan(erased);
        assertEquals(6, plan.readCount());
        final ByteBuffer[] stripe = Stripes.copy(original);
        Stripes.wipe(stripe, erased, random);
        for (int c = 0; c < stripe.length; c++)
        {
            if (!plan.reads(c) && (erased & (1 << c)) == 0)
            {
                stripe[c] = null;
            }
        }
        code.reconstruct(stripe, erased);
        assertEquals(original[1].duplicate().clear(), stripe[1].duplicate().clear());
        assertEquals(original[4].duplicate().clear(), stripe[4].duplicate().clear());
    }

    @Test
    void updatesParityFromADeltaAsAFullEncodeWould()
    {
        final Random random = new Random(5);
        for (final int[] shape : new int[][] {{2, 1}, {2, 2}, {4, 2}, {6, 2}, {10, 4}})
        {
            final ErasureCode code = ErasureCode.reedSolomon(shape[0], shape[1]);
            final ByteBuffer[] stripe = encoded(code, random, random.nextBoolean());
            final int column = random.nextInt(shape[0]);
            final ByteBuffer oldData = Stripes.copy(stripe[column]);
            final ByteBuffer newData = Stripes.random(random, 1, 1, LENGTH, false)[0];
            stripe[column].duplicate().put(newData.duplicate());
            code.updateParity(stripe, column, oldData, newData);
            final ByteBuffer[] reencoded = Stripes.copy(stripe);
            code.encode(reencoded);
            Stripes.assertSame(reencoded, stripe, code + " update of column " + column);
        }
    }

    @Test
    void updatesTheSurvivingParityOfADegradedStripe()
    {
        final Random random = new Random(8);
        final ErasureCode code = ErasureCode.reedSolomon(4, 2);
        final ByteBuffer[] stripe = encoded(code, random, false);
        final ByteBuffer oldData = Stripes.copy(stripe[1]);
        final ByteBuffer newData = Stripes.random(random, 1, 1, LENGTH, false)[0];
        stripe[1].duplicate().put(newData.duplicate());
        final ByteBuffer[] degraded = stripe.clone();
        degraded[4] = null;
        code.updateParity(degraded, 1, oldData, newData);
        final ByteBuffer[] reencoded = Stripes.copy(stripe);
        code.encode(reencoded);
        assertEquals(reencoded[5].duplicate().clear(), stripe[5].duplicate().clear(), "the surviving parity");
    }

    @Test
    void updatesPartOfAColumnThroughPositionedBuffers()
    {
        final Random random = new Random(6);
        final ErasureCode code = ErasureCode.reedSolomon(4, 2);
        final ByteBuffer[] stripe = encoded(code, random, true);
        final ByteBuffer oldData = stripe[2].duplicate().position(stripe[2].position() + 100).limit(stripe[2].position() + 300);
        final ByteBuffer saved = Stripes.copy(oldData);
        final ByteBuffer newData = Stripes.random(random, 1, 1, 200, true)[0];
        oldData.duplicate().put(newData.duplicate());
        final ByteBuffer[] parityWindows = new ByteBuffer[6];
        for (int p = 4; p < 6; p++)
        {
            parityWindows[p] = stripe[p].duplicate().position(stripe[p].position() + 100).limit(stripe[p].position() + 300);
        }
        code.updateParity(parityWindows, 2, saved, newData);
        final ByteBuffer[] reencoded = Stripes.copy(stripe);
        code.encode(reencoded);
        Stripes.assertSame(reencoded, stripe, "partial update");
    }

    @Test
    void encodeOverwritesStaleParity()
    {
        final ErasureCode code = ErasureCode.reedSolomon(10, 4);
        final ByteBuffer[] stripe = new ByteBuffer[14];
        for (int c = 0; c < 14; c++)
        {
            stripe[c] = ByteBuffer.allocate(4096);
        }
        stripe[12].put(7, (byte)1);
        code.encode(stripe);
        for (int p = 10; p < 14; p++)
        {
            assertArrayEquals(new byte[4096], Stripes.bytes(stripe[p]), "parity " + p + " of zero data");
        }
    }

    @Test
    void rejectsShapesOutsideTheLimitsNamingTheParameter()
    {
        assertEquals("RS(4,5): m (parity columns) is 5, must be 1..4",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(4, 5)).getMessage());
        assertEquals("RS(4,0): m (parity columns) is 0, must be 1..4",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(4, 0)).getMessage());
        assertEquals("RS(17,4): 21 columns, at most 20 fit a stripe",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(17, 4)).getMessage());
        assertEquals("RS(0,2): k (data columns) is 0, must be 1..19",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(0, 2)).getMessage());
    }

    @Test
    void rejectsStripesThatDoNotFitTheCode()
    {
        final ErasureCode code = ErasureCode.reedSolomon(2, 1);
        final ByteBuffer[] sizes = {ByteBuffer.allocate(4096), ByteBuffer.allocate(8192), ByteBuffer.allocate(4096)};
        assertEquals("RS(2,1): column 1 holds 8192 bytes but column 0 holds 4096: every column of a stripe is the same size",
            assertThrows(IllegalArgumentException.class, () -> code.encode(sizes)).getMessage());
        assertEquals("RS(2,1): 2 column buffers given, the stripe has 3",
            assertThrows(IllegalArgumentException.class, () -> code.encode(new ByteBuffer[2])).getMessage());
        final ByteBuffer[] readOnly = {ByteBuffer.allocate(16), ByteBuffer.allocate(16), ByteBuffer.allocate(16).asReadOnlyBuffer()};
        assertEquals("RS(2,1): column 2 is written but its buffer is read-only",
            assertThrows(IllegalArgumentException.class, () -> code.encode(readOnly)).getMessage());
        assertEquals("RS(2,1): erased set [3] names columns past the last, 2",
            assertThrows(IllegalArgumentException.class, () -> code.plan(Columns.of(3))).getMessage());
        final ByteBuffer[] shortParity = {null, null, ByteBuffer.allocate(8)};
        assertEquals("RS(2,1): parity column 2 holds 8 bytes, the old data 16",
            assertThrows(IllegalArgumentException.class,
                () -> code.updateParity(shortParity, 0, ByteBuffer.allocate(16), ByteBuffer.allocate(16))).getMessage());
        assertEquals("RS(2,1): the new data holds 8 bytes, the old data 16",
            assertThrows(IllegalArgumentException.class,
                () -> code.updateParity(shortParity, 0, ByteBuffer.allocate(16), ByteBuffer.allocate(8))).getMessage());
        assertEquals("RS(2,1): column 2 is not a data column (0..1)",
            assertThrows(IllegalArgumentException.class,
                () -> code.updateParity(sizes, 2, ByteBuffer.allocate(16), ByteBuffer.allocate(16))).getMessage());
    }

    static ByteBuffer[] encoded(final ErasureCode code, final Random random, final boolean direct)
    {
        final ByteBuffer[] stripe = Stripes.random(random, code.dataColumns(), code.columns(), LENGTH, direct);
        code.encode(stripe);
        return stripe;
    }

    /** Wipes the erased columns of a copy, rebuilds them, and expects the original back to the byte. */
    static void assertRebuilds(final ErasureCode code, final ByteBuffer[] original, final int erased, final Random random)
    {
        final ByteBuffer[] stripe = Stripes.copy(original);
        Stripes.wipe(stripe, erased, random);
        code.reconstruct(stripe, erased);
        Stripes.assertSame(original, stripe, code + " erased " + Columns.describe(erased));
    }

    static int randomSet(final Random random, final int columns, final int size)
    {
        int set = 0;
        while (Integer.bitCount(set) < size)
        {
            set |= 1 << random.nextInt(columns);
        }
        return set;
    }

    private static int lostSetsUpTo(final int n, final int m)
    {
        int count = 0;
        for (int set = 1; set < 1 << n; set++)
        {
            count += Integer.bitCount(set) <= m ? 1 : 0;
        }
        return count;
    }
}
