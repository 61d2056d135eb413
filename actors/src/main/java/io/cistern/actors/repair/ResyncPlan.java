package io.cistern.actors.repair;

import io.cistern.actors.volume.Slab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a resync of a stale copy must copy: a pure function of what the copy is known to have missed.
 * Two sources, and the union of both: the ranges front ends saw it miss before it was marked stale
 * (persisted by its Slab entity), and the regions the primary's write-intent map says were written after
 * (see {@code WriteIntentMap}). Ranges are widened to whole 4 KiB blocks (checksums are per block) and
 * merged, so nothing is copied twice.
 */
public final class ResyncPlan
{
    public static final int BLOCK = 4096;

    private ResyncPlan()
    {
    }

    /** A byte range of the extent to copy. */
    public record Range(long offset, long length)
    {
        public long end()
        {
            return offset + length;
        }
    }

    /**
     * @param missed      the copy's ranges from its Slab entity (other copies' are ignored).
     * @param copy        the copy being resynced.
     * @param map         the primary's write-intent bitmap, bit r for region r; null if it never tracked.
     * @param regionBytes the map's region size.
     * @param extentBytes the extent's length: nothing past it is copied.
     * @return the ranges to copy, sorted, disjoint and not touching.
     */
    public static List<Range> ranges(final List<Slab.DirtyRange> missed, final int copy, final long[] map, final int regionBytes,
                                     final long extentBytes)
    {
        final List<Range> raw = new ArrayList<>();
        for (final Slab.DirtyRange range : missed)
        {
            if (range.copy() == copy)
            {
                raw.add(new Range(range.offset(), range.length()));
            }
        }
        if (map != null)
        {
            for (int word = 0; word < map.length; word++)
            {
                long bits = map[word];
                while (bits != 0)
                {
                    final int region = word * Long.SIZE + Long.numberOfTrailingZeros(bits);
                    raw.add(new Range((long)region * regionBytes, regionBytes));
                    bits &= bits - 1;
                }
            }
        }
        return merge(raw, extentBytes);
    }

    /** The whole extent: what a resync copies when the write-intent map was lost. */
    public static List<Range> whole(final long extentBytes)
    {
        return List.of(new Range(0, extentBytes));
    }

    /**
     * What is left of a plan once everything below a checkpoint is copied: the ranges above it, the one
     * it falls in cut at it.
     */
    public static List<Range> from(final List<Range> ranges, final long checkpoint)
    {
        final List<Range> left = new ArrayList<>(ranges.size());
        for (final Range range : ranges)
        {
            if (range.end() <= checkpoint)
            {
                continue;
            }
            final long from = Math.max(range.offset(), checkpoint);
            left.add(new Range(from, range.end() - from));
        }
        return left;
    }

    public static long bytes(final List<Range> ranges)
    {
        long total = 0;
        for (final Range range : ranges)
        {
            total += range.length();
        }
        return total;
    }

    private static List<Range> merge(final List<Range> raw, final long extentBytes)
    {
        final List<Range> aligned = new ArrayList<>();
        for (final Range range : raw)
        {
            final long from = Math.max(0, range.offset() / BLOCK * BLOCK);
            final long to = Math.min(extentBytes, (range.end() + BLOCK - 1) / BLOCK * BLOCK);
            if (to > from)
            {
                aligned.add(new Range(from, to - from));
            }
        }
        aligned.sort(Comparator.comparingLong(Range::offset));
        final List<Range> merged = new ArrayList<>();
        for (final Range range : aligned)
        {
            final Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range.offset() <= last.end())
            {
                merged.set(merged.size() - 1, new Range(last.offset(), Math.max(last.end(), range.end()) - last.offset()));
            }
            else
            {
                merged.add(range);
            }
        }
        return merged;
    }
}
