package io.cistern.node.volume.redundancy.parity;

/**
 * Where a parity slab's bytes live: the slab's data is cut into stripes of {@code k} units, unit {@code c}
 * of stripe {@code s} on data column {@code c} at {@code s * unit}; the stripe's parity units sit at the
 * same offset of the parity columns. Each column is one extent of {@code slabSize / k} bytes on its own
 * fault domain. Pure arithmetic, no allocation: the parity strategy cuts every request with it.
 */
public final class ParityGeometry
{
    private final int dataColumns;
    private final int parityColumns;
    private final int unit;
    private final long slabSize;
    private final long stripeWidth;

    /**
     * @param unit     bytes of one column in one stripe; a power of two of at least 4 KiB (a checksum block).
     * @param slabSize a multiple of {@code dataColumns * unit}.
     */
    public ParityGeometry(final int dataColumns, final int parityColumns, final int unit, final long slabSize)
    {
        if (dataColumns < 1 || parityColumns < 1)
        {
            throw new IllegalArgumentException("a parity stripe has at least one data and one parity column, not " +
                dataColumns + "+" + parityColumns);
        }
        if (unit < 4096 || Integer.bitCount(unit) != 1)
        {
            throw new IllegalArgumentException("the stripe unit is a power of two of at least 4 KiB, not " + unit);
        }
        this.stripeWidth = (long)dataColumns * unit;
        if (slabSize <= 0 || slabSize % stripeWidth != 0)
        {
            throw new IllegalArgumentException("a slab of " + slabSize + " bytes is not a whole number of " + dataColumns +
                " x " + unit + "-byte stripes");
        }
        this.dataColumns = dataColumns;
        this.parityColumns = parityColumns;
        this.unit = unit;
        this.slabSize = slabSize;
    }

    public int dataColumns()
    {
        return dataColumns;
    }

    public int columns()
    {
        return dataColumns + parityColumns;
    }

    public int unit()
    {
        return unit;
    }

    /** The bytes of data one stripe holds. */
    public long stripeWidth()
    {
        return stripeWidth;
    }

    /** The size of each column's extent. */
    public long columnSize()
    {
        return slabSize / dataColumns;
    }

    public long stripes()
    {
        return slabSize / stripeWidth;
    }

    public long stripeOf(final long inSlab)
    {
        return inSlab / stripeWidth;
    }

    /** The data column that holds the byte at {@code inSlab}. */
    public int columnOf(final long inSlab)
    {
        return (int)(inSlab % stripeWidth / unit);
    }

    /** Where in its column's extent the byte at {@code inSlab} is. */
    public long inColumn(final long inSlab)
    {
        return stripeOf(inSlab) * unit + inSlab % unit;
    }

    /** Where stripe {@code stripe}'s units (data and parity) start in every column's extent. */
    public long stripeInColumn(final long stripe)
    {
        return stripe * unit;
    }

    /** The bytes from {@code inSlab} that lie in its one unit: how much of a request goes to one column as one piece. */
    public int pieceLength(final long inSlab, final int remaining)
    {
        return (int)Math.min(remaining, unit - inSlab % unit);
    }

    /** Whether {@code inSlab}+{@code length} is whole stripes, so parity is computed from the new data alone. */
    public boolean wholeStripes(final long inSlab, final long length)
    {
        return length > 0 && inSlab % stripeWidth == 0 && length % stripeWidth == 0;
    }
}
