package io.cistern.storage.erasure;

import java.util.ArrayList;
import java.util.List;

/**
 * Works out a {@link RepairPlan} for a set of lost columns. Off the data path: plans are cached.
 * <p>
 * First the local step (LRC only): a local group with exactly one lost member, data or local parity,
 * gets it back as the XOR of its other members, reading k/l columns. Then the global step for whatever
 * is still lost: take surviving rows of the generator, data first (their rows are the identity, so an
 * encode or a parity-only loss needs no inversion), keep the first k that are independent, invert that
 * k x k submatrix, and write each lost column c as {@code generator[c] * inverse} over those k columns.
 * Fewer than k independent rows means the data is not determined by what survives: unrecoverable.
 */
final class RepairPlanner
{
    private final StripeLayout layout;

    RepairPlanner(final StripeLayout layout)
    {
        this.layout = layout;
    }

    RepairPlan plan(final int erased)
    {
        final List<CodingPass> passes = new ArrayList<>();
        int rebuilt = 0;
        for (final int[] group : layout.localGroups)
        {
            final int members = Columns.of(group);
            final int lost = members & erased;
            if (Integer.bitCount(lost) == 1)
            {
                passes.add(xorOf(members & ~erased, lost));
                rebuilt |= lost;
            }
        }
        final int remaining = erased & ~rebuilt;
        if (remaining != 0)
        {
            final CodingPass global = globalPass(layout.allColumns() & ~remaining, remaining);
            if (global == null)
            {
                return RepairPlan.unrecoverable(erased, unrecoverableReason(erased));
            }
            passes.add(global);
        }
        return RepairPlan.of(erased, passes.toArray(new CodingPass[0]));
    }

    private static CodingPass xorOf(final int sources, final int output)
    {
        final int[] from = Columns.toArray(sources);
        final int[][] ones = new int[1][from.length];
        java.util.Arrays.fill(ones[0], 1);
        return new CodingPass(from, Columns.toArray(output), ones);
    }

    /** The pass writing {@code outputs} from {@code available}, or null if they do not determine the data. */
    private CodingPass globalPass(final int available, final int outputs)
    {
        final int k = layout.dataColumns;
        final int[] candidates = Columns.toArray(available);
        final int[][] candidateRows = new int[candidates.length][];
        for (int i = 0; i < candidates.length; i++)
        {
            candidateRows[i] = layout.generator[candidates[i]];
        }
        final int[] chosen = GfMatrix.independentRows(candidateRows, k);
        if (chosen.length < k)
        {
            return null;
        }
        final int[][] square = new int[k][];
        final int[] sources = new int[k];
        for (int i = 0; i < k; i++)
        {
            square[i] = candidateRows[chosen[i]];
            sources[i] = candidates[chosen[i]];
        }
        final int[][] inverse = GfMatrix.invert(square);
        final int[] lost = Columns.toArray(outputs);
        final int[][] rows = new int[lost.length][];
        for (int o = 0; o < lost.length; o++)
        {
            rows[o] = GfMatrix.times(layout.generator[lost[o]], inverse);
        }
        return withoutUnusedSources(sources, lost, rows);
    }

    /** Drops sources whose coefficient is 0 in every output: LRC global repairs need not read them. */
    private static CodingPass withoutUnusedSources(final int[] sources, final int[] outputs, final int[][] rows)
    {
        final List<Integer> used = new ArrayList<>();
        for (int s = 0; s < sources.length; s++)
        {
            for (final int[] row : rows)
            {
                if (row[s] != 0)
                {
                    used.add(s);
                    break;
                }
            }
        }
        final int[] kept = new int[used.size()];
        final int[][] keptRows = new int[rows.length][used.size()];
        for (int i = 0; i < kept.length; i++)
        {
            final int s = used.get(i);
            kept[i] = sources[s];
            for (int o = 0; o < rows.length; o++)
            {
                keptRows[o][i] = rows[o][s];
            }
        }
        return new CodingPass(kept, outputs, keptRows);
    }

    private String unrecoverableReason(final int erased)
    {
        final int lost = Integer.bitCount(erased);
        if (layout.localGroups.length == 0)
        {
            return layout.name + " cannot rebuild " + lost + " lost columns " + Columns.describe(erased)
                + ": at most " + layout.parityColumns() + " can be";
        }
        return layout.name + " cannot rebuild lost columns " + Columns.describe(erased)
            + ": the " + (layout.columns - lost) + " survivors do not determine all " + layout.dataColumns
            + " data columns (a local group rebuilds one of its losses; every other loss needs a surviving global parity of its own)";
    }
}
