package io.cistern.storage.erasure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class Gf256Test
{
    /** Carry-less multiplication reduced by 0x11d, bit by bit: the definition, not a table. */
    private static int reference(final int a, final int b)
    {
        int product = 0;
        int x = a;
        for (int bit = 0; bit < 8; bit++)
        {
            if ((b & (1 << bit)) != 0)
            {
                product ^= x;
            }
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= Gf256.POLYNOMIAL;
            }
        }
        return product;
    }

    @Test
    void multipliesAsCarryLessProductsModulo0x11d()
    {
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                assertEquals(reference(a, b), Gf256.mul(a, b), a + " * " + b);
            }
        }
    }

    @Test
    void invertsEveryNonZeroElement()
    {
        for (int a = 1; a < 256; a++)
        {
            assertEquals(1, Gf256.mul(a, Gf256.inv(a)), "inverse of " + a);
        }
    }

    @Test
    void invertsAMatrixAndSaysWhenItIsSingular()
    {
        final int[][] cauchy = GfMatrix.cauchyRows(3, 3, 3);
        final int[][] inverse = GfMatrix.invert(cauchy);
        for (int i = 0; i < 3; i++)
        {
            final int[] unit = new int[3];
            unit[i] = 1;
            assertArrayEquals(unit, GfMatrix.times(cauchy[i], inverse));
        }
        assertNull(GfMatrix.invert(new int[][] {{1, 2}, {2, 4}}));
    }

    @Test
    void findsIndependentRowsGreedily()
    {
        final int[][] rows = {{1, 1, 0}, {2, 2, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}};
        assertArrayEquals(new int[] {0, 2, 3}, GfMatrix.independentRows(rows, 3));
        assertArrayEquals(new int[] {0, 2}, GfMatrix.independentRows(new int[][] {{1, 1, 0}, {2, 2, 0}, {0, 0, 1}}, 3));
    }
}
