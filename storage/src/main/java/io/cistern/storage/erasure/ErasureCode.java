package io.cistern.storage.erasure;

import java.nio.ByteBuffer;

/**
 * An erasure code over a stripe of equal-sized columns, one per drive extent: Reed–Solomon RS(k, m)
 * or Local Reconstruction LRC(k, l, r) (column numbering in {@link StripeLayout}). The caller holds one
 * {@link ByteBuffer} per column, heap or direct; a column's bytes are its buffer's
 * {@code [position, limit)}, and no position or limit is moved.
 * <ul>
 * <li>{@link #encode} writes every parity column from the data columns.</li>
 * <li>{@link #plan} says, for a set of lost columns, whether they can be rebuilt and which survivors a
 * rebuild reads; {@link #reconstruct} rebuilds them, touching only those buffers (the rest may be null).</li>
 * <li>{@link #updateParity} applies a write to one data column to the parity in place:
 * {@code P' = P + g * (D_old + D_new)} for that column's coefficient g in each parity row.</li>
 * </ul>
 * Column sets are bit masks ({@link Columns}). Nothing here allocates once a plan is cached, and an
 * instance may be shared between threads as long as they code different buffers.
 * <p>
 * What survives: RS(k, m) rebuilds any m lost columns and no set of more. LRC(k, l, r) rebuilds a
 * set when, after each local group with a surviving local parity absorbs one of its data losses, the
 * data losses left over are no more than the surviving global parities. So LRC(12,2,1) rebuilds any 2
 * lost columns and one data column from 6 reads, but not 112 of the 455 sets of 3: three data columns
 * of one group; two of one group with that group's local parity, or with the global parity; one data
 * column with its own local parity and the global parity. {@link #plan} reports those as
 * unrecoverable and {@link #reconstruct} refuses them without writing.
 */
public final class ErasureCode
{
    private final StripeLayout layout;
    private final CodingKernel kernel;
    private final RepairPlanner planner;
    private final PlanCache plans = new PlanCache();
    private final RepairPlan encodePlan;

    private ErasureCode(final StripeLayout layout, final CodingKernel kernel)
    {
        this.layout = layout;
        this.kernel = kernel;
        this.planner = new RepairPlanner(layout);
        this.encodePlan = planner.plan(layout.parityMask());
    }

    /** RS(k, m): m of 1..4 parity columns, k + m at most 20. */
    public static ErasureCode reedSolomon(final int k, final int m)
    {
        return new ErasureCode(StripeLayout.reedSolomon(k, m), CodingKernel.best());
    }

    /** LRC(k, l, r): k data columns in l equal local groups with an XOR parity each, and r global parities. */
    public static ErasureCode localReconstruction(final int k, final int l, final int r)
    {
        return new ErasureCode(StripeLayout.localReconstruction(k, l, r), CodingKernel.best());
    }

    /** The same code with another kernel: tests hold the kernels to the same bytes. */
    ErasureCode withKernel(final CodingKernel other)
    {
        return new ErasureCode(layout, other);
    }

    public int dataColumns()
    {
        return layout.dataColumns;
    }

    public int parityColumns()
    {
        return layout.parityColumns();
    }

    public int columns()
    {
        return layout.columns;
    }

    /** Which kernel does the byte work: {@code scalar}, or {@code vector} and its width in bits. */
    public String kernelName()
    {
        return kernel.name();
    }

    /** Writes parity columns {@code k..} of {@code columns} from data columns {@code 0..k-1}. */
    public void encode(final ByteBuffer[] columns)
    {
        execute(encodePlan, columns);
    }

    /** How the {@code erased} columns would be rebuilt, or why they cannot be. Cached by erased set. */
    public RepairPlan plan(final int erased)
    {
        requireColumns(erased);
        RepairPlan plan = plans.get(erased);
        if (plan == null)
        {
            plan = planner.plan(erased);
            plans.put(plan);
        }
        return plan;
    }

    /**
     * Rebuilds the {@code erased} columns, data or parity, into their buffers from the survivors the plan
     * reads. Columns neither read nor erased are not touched and may be null.
     *
     * @throws UnrecoverableErasureException when the survivors do not determine the lost columns.
     */
    public void reconstruct(final ByteBuffer[] columns, final int erased)
    {
        final RepairPlan plan = plan(erased);
        if (!plan.isRecoverable())
        {
            throw new UnrecoverableErasureException(plan.reason());
        }
        execute(plan, columns);
    }

    /**
     * Folds a write to data column {@code dataColumn} into every parity column of {@code columns} (a null
     * parity, one on a lost drive, is skipped). The three ranges, old data, new data and each parity, must
     * be the same length: to update part of a column, pass buffers positioned on that part.
     */
    public void updateParity(final ByteBuffer[] columns, final int dataColumn, final ByteBuffer oldData, final ByteBuffer newData)
    {
        requireStripe(columns);
        if (dataColumn < 0 || dataColumn >= layout.dataColumns)
        {
            throw new IllegalArgumentException(layout.name + ": column " + dataColumn + " is not a data column (0.." + (layout.dataColumns - 1) + ")");
        }
        final int length = oldData.remaining();
        requireLength(-1, newData, length);
        for (int p = layout.dataColumns; p < layout.columns; p++)
        {
            if (columns[p] != null)
            {
                requireWritable(p, columns[p]);
                requireLength(p, columns[p], length);
            }
        }
        for (int p = layout.dataColumns; p < layout.columns; p++)
        {
            final int coefficient = layout.generator[p][dataColumn];
            if (columns[p] != null && coefficient != 0)
            {
                kernel.mulAdd(coefficient, oldData, columns[p], length);
                kernel.mulAdd(coefficient, newData, columns[p], length);
            }
        }
    }

    @Override
    public String toString()
    {
        return layout.name;
    }

    private void execute(final RepairPlan plan, final ByteBuffer[] columns)
    {
        requireStripe(columns);
        final int length = commonLength(columns, plan.columnsToRead() | plan.erased());
        for (int bits = plan.erased(); bits != 0; bits &= bits - 1)
        {
            final int column = Integer.numberOfTrailingZeros(bits);
            requireWritable(column, columns[column]);
        }
        for (final CodingPass pass : plan.passes())
        {
            kernel.run(pass, columns, length);
        }
    }

    private int commonLength(final ByteBuffer[] columns, final int used)
    {
        int length = -1;
        int first = -1;
        for (int bits = used; bits != 0; bits &= bits - 1)
        {
            final int column = Integer.numberOfTrailingZeros(bits);
            final ByteBuffer buffer = columns[column];
            if (buffer == null)
            {
                throw new IllegalArgumentException(layout.name + ": column " + column + " is null, but the repair reads or writes it");
            }
            if (length < 0)
            {
                length = buffer.remaining();
                first = column;
            }
            else if (buffer.remaining() != length)
            {
                throw new IllegalArgumentException(layout.name + ": column " + column + " holds " + buffer.remaining()
                    + " bytes but column " + first + " holds " + length + ": every column of a stripe is the same size");
            }
        }
        return Math.max(length, 0);
    }

    private void requireStripe(final ByteBuffer[] columns)
    {
        if (columns.length != layout.columns)
        {
            throw new IllegalArgumentException(layout.name + ": " + columns.length + " column buffers given, the stripe has " + layout.columns);
        }
    }

    private void requireColumns(final int mask)
    {
        if ((mask & ~layout.allColumns()) != 0)
        {
            throw new IllegalArgumentException(layout.name + ": erased set " + Columns.describe(mask)
                + " names columns past the last, " + (layout.columns - 1));
        }
    }

    private void requireWritable(final int column, final ByteBuffer buffer)
    {
        if (buffer.isReadOnly())
        {
            throw new IllegalArgumentException(layout.name + ": column " + column + " is written but its buffer is read-only");
        }
    }

    /** The new data ({@code column} -1) or a parity column against the old data's length. */
    private void requireLength(final int column, final ByteBuffer buffer, final int length)
    {
        if (buffer.remaining() != length)
        {
            final String what = column < 0 ? "the new data" : "parity column " + column;
            throw new IllegalArgumentException(layout.name + ": " + what + " holds " + buffer.remaining() + " bytes, the old data " + length);
        }
    }
}
