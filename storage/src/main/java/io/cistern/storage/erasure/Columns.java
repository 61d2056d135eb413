package io.cistern.storage.erasure;

/** Column sets as int bit masks (bit c for column c): the stripe has at most 20 columns. */
public final class Columns
{
    private Columns()
    {
    }

    /** The set of the given columns. */
    public static int of(final int... columns)
    {
        int mask = 0;
        for (final int column : columns)
        {
            if (column < 0 || column >= Integer.SIZE)
            {
                throw new IllegalArgumentException("column " + column + " is not a column index");
            }
            mask |= 1 << column;
        }
        return mask;
    }

    /** The columns of a set in ascending order. */
    public static int[] toArray(final int mask)
    {
        final int[] columns = new int[Integer.bitCount(mask)];
        int i = 0;
        for (int bits = mask; bits != 0; bits &= bits - 1)
        {
            columns[i++] = Integer.numberOfTrailingZeros(bits);
        }
        return columns;
    }

    /** For messages: {@code [0, 3, 5]}. */
    public static String describe(final int mask)
    {
        return java.util.Arrays.toString(toArray(mask));
    }
}
