package io.cistern.actors.placement;

/**
 * The erasure code a parity volume's slabs use, chosen by the pool's fault domains as Storage Spaces Direct
 * chooses it (its all-flash table): single parity is RS(2+1) from 3 domains; dual parity RS(2+2) at 4–6,
 * RS(4+2) at 7–8, RS(6+2) at 9–15, and LRC(12,2,1) at 16, where wide stripes need local groups to rebuild a
 * column from a few others. Each column of a stripe goes to its own fault domain. Pure, tested directly;
 * the codec itself is {@code storage.erasure.ErasureCode}.
 *
 * @param dataColumns    k.
 * @param localParities  l: LRC's local group parities (0 for Reed–Solomon).
 * @param globalParities m for Reed–Solomon, r for LRC.
 */
public record ParityEncoding(int dataColumns, int localParities, int globalParities)
{
    /** The fewest fault domains single and dual parity need. */
    public static final int SINGLE_MIN_DOMAINS = 3;
    public static final int DUAL_MIN_DOMAINS = 4;

    /** The encoding for {@code failures} tolerated (1 or 2) over {@code domains} fault domains; null if too few. */
    public static ParityEncoding forDomains(final int failures, final int domains)
    {
        if (failures == 1)
        {
            return domains >= SINGLE_MIN_DOMAINS ? new ParityEncoding(2, 0, 1) : null;
        }
        if (failures != 2)
        {
            throw new IllegalArgumentException("parity tolerates 1 or 2 failures, not " + failures);
        }
        if (domains < DUAL_MIN_DOMAINS)
        {
            return null;
        }
        if (domains <= 6)
        {
            return new ParityEncoding(2, 0, 2);
        }
        if (domains <= 8)
        {
            return new ParityEncoding(4, 0, 2);
        }
        return domains <= 15 ? new ParityEncoding(6, 0, 2) : new ParityEncoding(12, 2, 1);
    }

    /** Columns per stripe, each on its own fault domain. */
    public int columns()
    {
        return dataColumns + localParities + globalParities;
    }

    /** The share of the raw capacity that holds data: 50% for RS(2+2) against mirror-3's 33%. */
    public double efficiency()
    {
        return (double) dataColumns / columns();
    }

    /** {@code RS(4+2)} or {@code LRC(12,2,1)}, as administrators read it. */
    public String label()
    {
        return localParities == 0 ? "RS(" + dataColumns + "+" + globalParities + ")"
            : "LRC(" + dataColumns + "," + localParities + "," + globalParities + ")";
    }
}
