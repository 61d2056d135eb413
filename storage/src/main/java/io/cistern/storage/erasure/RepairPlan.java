package io.cistern.storage.erasure;

/**
 * How to rebuild one set of lost columns: which surviving columns to read, and the kernel passes that
 * turn them into the lost ones. Column sets are bit masks, bit c for column c.
 * <p>
 * A caller that reads from drives asks for the plan first and reads only {@link #columnsToRead()}: for
 * LRC a single lost data column needs just its local group. A plan for a set the code cannot rebuild
 * says so ({@link #isRecoverable()}, {@link #reason()}) instead of holding passes.
 * <p>
 * Immutable and shared: the code caches plans by erased set.
 */
public final class RepairPlan
{
    private final int erased;
    private final int reads;
    private final CodingPass[] passes;
    private final String unrecoverable;

    private RepairPlan(final int erased, final int reads, final CodingPass[] passes, final String unrecoverable)
    {
        this.erased = erased;
        this.reads = reads;
        this.passes = passes;
        this.unrecoverable = unrecoverable;
    }

    static RepairPlan of(final int erased, final CodingPass[] passes)
    {
        int reads = 0;
        for (final CodingPass pass : passes)
        {
            for (final int source : pass.sources)
            {
                reads |= 1 << source;
            }
        }
        return new RepairPlan(erased, reads & ~erased, passes, null);
    }

    static RepairPlan unrecoverable(final int erased, final String reason)
    {
        return new RepairPlan(erased, 0, new CodingPass[0], reason);
    }

    /** The lost columns this plan is for. */
    public int erased()
    {
        return erased;
    }

    /** The surviving columns the repair reads; no other column buffer is touched. */
    public int columnsToRead()
    {
        return reads;
    }

    public int readCount()
    {
        return Integer.bitCount(reads);
    }

    public boolean reads(final int column)
    {
        return (reads & (1 << column)) != 0;
    }

    public boolean isRecoverable()
    {
        return unrecoverable == null;
    }

    /** Why the erased set cannot be rebuilt, or null when it can. */
    public String reason()
    {
        return unrecoverable;
    }

    CodingPass[] passes()
    {
        return passes;
    }

    @Override
    public String toString()
    {
        return isRecoverable()
            ? "RepairPlan[erased=" + Columns.describe(erased) + ", read=" + Columns.describe(reads) + "]"
            : "RepairPlan[erased=" + Columns.describe(erased) + ", unrecoverable: " + unrecoverable + "]";
    }
}
