package io.cistern.storage.erasure;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LRC(12,2,1), the parity-2 layout for 16 fault domains: data 0..5 with local parity 12, data 6..11
 * with local parity 13, global parity 14.
 */
@Timeout(300)
class LocalReconstructionTest
{
    private static final int LENGTH = 200 + 3;
    private static final int K = 12;
    private static final int GROUP = 6;
    private static final int GLOBAL = 14;

    private final ErasureCode code = ErasureCode.localReconstruction(K, 2, 1);

    @Test
    void repairsASingleLostDataColumnFromItsLocalGroupAlone()
    {
        final Random random = new Random(11);
        final ByteBuffer[] original = ReedSolomonTest.encoded(code, random, true);
        for (int lost = 0; lost < K; lost++)
        {
            final int group = lost / GROUP;
            final RepairPlan plan = code.plan(Columns.of(lost));
            assertEquals(K / 2, plan.readCount(), "columns read to rebuild data column " + lost);
            final int groupMembers = ((1 << GROUP) - 1) << (group * GROUP) | Columns.of(K + group);
            assertEquals(groupMembers & ~Columns.of(lost), plan.columnsToRead(), plan.toString());
            assertRebuildsReadingOnlyThePlan(original, Columns.of(lost), random);
        }
    }

    @Test
    void recomputesALostParityFromTheColumnsItCovers()
    {
        assertEquals(Columns.of(0, 1, 2, 3, 4, 5), code.plan(Columns.of(12)).columnsToRead());
        assertEquals(Columns.of(6, 7, 8, 9, 10, 11), code.plan(Columns.of(13)).columnsToRead());
        assertEquals((1 << K) - 1, code.plan(Columns.of(GLOBAL)).columnsToRead());
        // A lost data column and its group's local parity: the global parity and the other data.
        assertEquals(((1 << K) - 1) & ~Columns.of(3) | Columns.of(GLOBAL), code.plan(Columns.of(3, 12)).columnsToRead());
    }

    /**
     * All 2^15 sets of lost columns, each held to an oracle that counts instead of eliminating: a group
     * with a surviving local parity absorbs one of its data losses, and every data loss left over needs
     * a surviving global parity of its own (the Cauchy coefficients of one global row are distinct, so a
     * local and the global parity always solve two losses in one group). Recoverable sets must rebuild
     * to the byte; the rest must be refused without writing anything.
     */
    @Test
    void rebuildsEveryLossTheCodeDeterminesAndRefusesTheRest()
    {
        final Random random = new Random(12);
        final ByteBuffer[] original = ReedSolomonTest.encoded(code, random, false);
        final int[] unrecoverableBySize = new int[16];
        for (int erased = 1; erased < 1 << code.columns(); erased++)
        {
            final boolean recoverable = determinesTheData(erased);
            assertEquals(recoverable, code.plan(erased).isRecoverable(), Columns.describe(erased));
            if (recoverable)
            {
                ReedSolomonTest.assertRebuilds(code, original, erased, random);
            }
            else
            {
                unrecoverableBySize[Integer.bitCount(erased)]++;
                final ByteBuffer[] stripe = Stripes.copy(original);
                final int lost = erased;
                final UnrecoverableErasureException e = assertThrows(UnrecoverableErasureException.class, () -> code.reconstruct(stripe, lost));
                assertTrue(e.getMessage().startsWith("LRC(12,2,1) cannot rebuild lost columns " + Columns.describe(erased)), e.getMessage());
                Stripes.assertSame(original, stripe, "refused " + Columns.describe(erased));
            }
        }
        // Any 2 losses rebuild; of the 455 sets of 3, these 112 do not (see ErasureCode's Javadoc).
        assertEquals(0, unrecoverableBySize[1] + unrecoverableBySize[2]);
        assertEquals(112, unrecoverableBySize[3]);
    }

    @Test
    void updatesLocalAndGlobalParityFromADelta()
    {
        final Random random = new Random(13);
        for (int column = 0; column < K; column++)
        {
            final ByteBuffer[] stripe = ReedSolomonTest.encoded(code, random, random.nextBoolean());
            final ByteBuffer oldData = Stripes.copy(stripe[column]);
            final ByteBuffer newData = Stripes.random(random, 1, 1, LENGTH + 834, false)[0];
            stripe[column].duplicate().put(newData.duplicate());
            code.updateParity(stripe, column, oldData, newData);
            final ByteBuffer[] reencoded = Stripes.copy(stripe);
            code.encode(reencoded);
            Stripes.assertSame(reencoded, stripe, "update of column " + column);
        }
    }

    @Test
    void otherShapesRepairSingleLossesLocallyAndRebuildWhatTheyClaim()
    {
        final Random random = new Random(14);
        for (final int[] shape : new int[][] {{6, 2, 2}, {12, 3, 2}, {8, 4, 1}, {4, 1, 1}, {16, 2, 2}})
        {
            final ErasureCode lrc = ErasureCode.localReconstruction(shape[0], shape[1], shape[2]);
            final ByteBuffer[] original = ReedSolomonTest.encoded(lrc, random, true);
            for (int lost = 0; lost < shape[0]; lost++)
            {
                assertEquals(shape[0] / shape[1], lrc.plan(Columns.of(lost)).readCount(), lrc + " column " + lost);
            }
            for (int size = 1; size <= shape[2] + 1; size++)
            {
                for (int trial = 0; trial < 100; trial++)
                {
                    final int erased = ReedSolomonTest.randomSet(random, lrc.columns(), size);
                    if (size <= 2)
                    {
                        assertTrue(lrc.plan(erased).isRecoverable(), lrc + " " + Columns.describe(erased));
                    }
                    if (lrc.plan(erased).isRecoverable())
                    {
                        ReedSolomonTest.assertRebuilds(lrc, original, erased, random);
                    }
                }
            }
        }
    }

    @Test
    void rejectsShapesOutsideTheLimitsNamingTheParameter()
    {
        assertEquals("LRC(10,4,1): k=10 must split into l=4 groups of equal size",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.localReconstruction(10, 4, 1)).getMessage());
        assertEquals("LRC(12,2,0): r (global parities) is 0, must be 1..4",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.localReconstruction(12, 2, 0)).getMessage());
        assertEquals("LRC(16,2,3): k (data columns) is 16, must be 2..15",
            assertThrows(IllegalArgumentException.class, () -> ErasureCode.localReconstruction(16, 2, 3)).getMessage());
        assertFalse(ErasureCode.localReconstruction(12, 2, 1).plan(Columns.of(0, 1, 2)).isRecoverable());
    }

    private void assertRebuildsReadingOnlyThePlan(final ByteBuffer[] original, final int erased, final Random random)
    {
        final RepairPlan plan = code.plan(erased);
        final ByteBuffer[] stripe = Stripes.copy(original);
        Stripes.wipe(stripe, erased, random);
        int handedOver = 0;
        for (int c = 0; c < stripe.length; c++)
        {
            if (!plan.reads(c) && (erased & (1 << c)) == 0)
            {
                stripe[c] = null;
            }
            else if (plan.reads(c))
            {
                handedOver++;
            }
        }
        code.reconstruct(stripe, erased);
        assertEquals(plan.readCount(), handedOver);
        for (final int c : Columns.toArray(erased))
        {
            assertEquals(original[c].duplicate().clear(), stripe[c].duplicate().clear(), "column " + c);
        }
    }

    private static boolean determinesTheData(final int erased)
    {
        int leftOver = 0;
        for (int group = 0; group < 2; group++)
        {
            final int dataLost = Integer.bitCount(erased & ((1 << GROUP) - 1) << (group * GROUP));
            final boolean localSurvives = (erased & Columns.of(K + group)) == 0;
            leftOver += Math.max(0, dataLost - (localSurvives ? 1 : 0));
        }
        return leftOver <= ((erased & Columns.of(GLOBAL)) == 0 ? 1 : 0);
    }
}
