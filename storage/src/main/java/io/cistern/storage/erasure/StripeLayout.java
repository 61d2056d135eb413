package io.cistern.storage.erasure;

/**
 * Which column holds what in a stripe, and the generator matrix that says how every column follows
 * from the data: column c holds {@code sum over j of generator[c][j] * data[j]}.
 * <p>
 * Columns are numbered data first ({@code 0..k-1}), then parity. For Reed–Solomon RS(k, m) the parity
 * rows are ISA-L's Cauchy rows, so parity bytes match {@code ec_encode_data} with
 * {@code gf_gen_cauchy1_matrix}. For LRC(k, l, r) the {@code l} local parities follow the data (local
 * parity g is the XOR of data group g, the k/l consecutive columns {@code g*k/l ..}), then the
 * {@code r} global parities, which are the parities of RS(k, r) over all the data.
 */
final class StripeLayout
{
    static final int MAX_COLUMNS = 20;
    static final int MAX_PARITY = 4;

    final String name;
    final int dataColumns;
    final int columns;
    final int[][] generator;
    /** Per local group, its member columns: its data columns, then its local parity. Empty for RS. */
    final int[][] localGroups;

    private StripeLayout(final String name, final int dataColumns, final int[][] generator, final int[][] localGroups)
    {
        this.name = name;
        this.dataColumns = dataColumns;
        this.columns = generator.length;
        this.generator = generator;
        this.localGroups = localGroups;
    }

    static StripeLayout reedSolomon(final int k, final int m)
    {
        final String name = "RS(" + k + "," + m + ")";
        requireRange(name, "k (data columns)", k, 1, MAX_COLUMNS - 1);
        requireRange(name, "m (parity columns)", m, 1, MAX_PARITY);
        requireFits(name, k + m);
        final int[][] generator = new int[k + m][];
        identity(generator, k);
        System.arraycopy(GfMatrix.cauchyRows(k, k, m), 0, generator, k, m);
        return new StripeLayout(name, k, generator, new int[0][]);
    }

    static StripeLayout localReconstruction(final int k, final int l, final int r)
    {
        final String name = "LRC(" + k + "," + l + "," + r + ")";
        requireRange(name, "l (local groups)", l, 1, MAX_PARITY);
        requireRange(name, "r (global parities)", r, 1, MAX_PARITY);
        requireRange(name, "k (data columns)", k, l, MAX_COLUMNS - l - r);
        if (k % l != 0)
        {
            throw new IllegalArgumentException(name + ": k=" + k + " must split into l=" + l + " groups of equal size");
        }
        requireFits(name, k + l + r);
        final int groupSize = k / l;
        final int[][] generator = new int[k + l + r][];
        identity(generator, k);
        final int[][] groups = new int[l][groupSize + 1];
        for (int g = 0; g < l; g++)
        {
            generator[k + g] = new int[k];
            for (int j = 0; j < groupSize; j++)
            {
                generator[k + g][g * groupSize + j] = 1;
                groups[g][j] = g * groupSize + j;
            }
            groups[g][groupSize] = k + g;
        }
        System.arraycopy(GfMatrix.cauchyRows(k, k, r), 0, generator, k + l, r);
        return new StripeLayout(name, k, generator, groups);
    }

    int parityColumns()
    {
        return columns - dataColumns;
    }

    /** Bit c set for every column c of the stripe. */
    int allColumns()
    {
        return (1 << columns) - 1;
    }

    int parityMask()
    {
        return allColumns() & ~((1 << dataColumns) - 1);
    }

    private static void identity(final int[][] generator, final int k)
    {
        for (int j = 0; j < k; j++)
        {
            generator[j] = new int[k];
            generator[j][j] = 1;
        }
    }

    private static void requireRange(final String name, final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + ": " + what + " is " + value + ", must be " + min + ".." + max);
        }
    }

    private static void requireFits(final String name, final int columns)
    {
        if (columns > MAX_COLUMNS)
        {
            throw new IllegalArgumentException(name + ": " + columns + " columns, at most " + MAX_COLUMNS + " fit a stripe");
        }
    }
}
