package io.cistern.storage.erasure;

/**
 * Matrices over GF(2^8), as {@code int[row][column]} of elements 0..255. Used only when a code or a
 * repair plan is built, never per byte, so clarity wins over speed here.
 */
final class GfMatrix
{
    private GfMatrix()
    {
    }

    /**
     * The parity rows of ISA-L's {@code gf_gen_cauchy1_matrix}: row i (counted from the first data row,
     * so i runs from {@code k} up) has {@code 1 / (i ^ j)} in column j. Since i >= k > j the divisor is
     * never 0, and every square submatrix of the identity stacked on these rows is invertible.
     */
    static int[][] cauchyRows(final int k, final int firstRow, final int count)
    {
        final int[][] rows = new int[count][k];
        for (int t = 0; t < count; t++)
        {
            final int i = firstRow + t;
            for (int j = 0; j < k; j++)
            {
                rows[t][j] = Gf256.inv(i ^ j);
            }
        }
        return rows;
    }

    /** The inverse of a square matrix by Gauss–Jordan elimination, or null when it is singular. */
    static int[][] invert(final int[][] matrix)
    {
        final int n = matrix.length;
        final int[][] a = new int[n][];
        final int[][] inverse = new int[n][n];
        for (int i = 0; i < n; i++)
        {
            a[i] = matrix[i].clone();
            inverse[i][i] = 1;
        }
        for (int column = 0; column < n; column++)
        {
            int pivot = column;
            while (pivot < n && a[pivot][column] == 0)
            {
                pivot++;
            }
            if (pivot == n)
            {
                return null;
            }
            swap(a, column, pivot);
            swap(inverse, column, pivot);
            final int scale = Gf256.inv(a[column][column]);
            scaleRow(a[column], scale);
            scaleRow(inverse[column], scale);
            for (int row = 0; row < n; row++)
            {
                final int factor = a[row][column];
                if (row != column && factor != 0)
                {
                    addScaledRow(a[row], a[column], factor);
                    addScaledRow(inverse[row], inverse[column], factor);
                }
            }
        }
        return inverse;
    }

    /**
     * Which of the candidate rows, taken greedily in the order given, are linearly independent of the
     * ones taken before them; stops once {@code want} are found. Returns their indices into
     * {@code candidates}, fewer than {@code want} when the candidates do not span that many dimensions.
     */
    static int[] independentRows(final int[][] candidates, final int want)
    {
        final int width = candidates.length == 0 ? 0 : candidates[0].length;
        final int[][] basis = new int[width][];
        final int[] chosen = new int[Math.min(want, candidates.length)];
        int found = 0;
        for (int c = 0; c < candidates.length && found < want; c++)
        {
            final int[] residue = candidates[c].clone();
            for (int column = 0; column < width; column++)
            {
                if (residue[column] != 0 && basis[column] != null)
                {
                    addScaledRow(residue, basis[column], residue[column]);
                }
            }
            final int lead = firstNonZero(residue);
            if (lead >= 0)
            {
                scaleRow(residue, Gf256.inv(residue[lead]));
                basis[lead] = residue;
                chosen[found++] = c;
            }
        }
        return java.util.Arrays.copyOf(chosen, found);
    }

    /** The row vector {@code row} times {@code matrix}. */
    static int[] times(final int[] row, final int[][] matrix)
    {
        final int[] product = new int[matrix[0].length];
        for (int i = 0; i < row.length; i++)
        {
            if (row[i] != 0)
            {
                addScaledRow(product, matrix[i], row[i]);
            }
        }
        return product;
    }

    private static int firstNonZero(final int[] row)
    {
        for (int i = 0; i < row.length; i++)
        {
            if (row[i] != 0)
            {
                return i;
            }
        }
        return -1;
    }

    private static void swap(final int[][] a, final int i, final int j)
    {
        final int[] t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static void scaleRow(final int[] row, final int factor)
    {
        for (int i = 0; i < row.length; i++)
        {
            row[i] = Gf256.mul(row[i], factor);
        }
    }

    /** {@code target += factor * source}; in this field subtraction is the same as addition. */
    private static void addScaledRow(final int[] target, final int[] source, final int factor)
    {
        for (int i = 0; i < target.length; i++)
        {
            target[i] ^= Gf256.mul(source[i], factor);
        }
    }
}
