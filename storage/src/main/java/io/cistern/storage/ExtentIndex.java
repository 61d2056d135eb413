package io.cistern.storage;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Which extents a drive directory holds, in memory: a bit per slab for each volume and copy. A node asks
 * whether a drive has a copy for every slab it learns (a million at a start, for each of its drives), and
 * asking the filesystem took a stat each: a minute of the data server's thread, which also serves I/O.
 * A bit per slab costs an eighth of a byte where a set of ids cost some seventy. Owned by its store's thread.
 */
final class ExtentIndex
{
    private final Map<Long, BitSet[]> byVolume = new HashMap<>();

    void add(final ExtentId id)
    {
        BitSet[] copies = byVolume.get(id.volumeId());
        if (copies == null || copies.length <= id.copy())
        {
            copies = copies == null ? new BitSet[id.copy() + 1] : Arrays.copyOf(copies, id.copy() + 1);
            byVolume.put(id.volumeId(), copies);
        }
        if (copies[id.copy()] == null)
        {
            copies[id.copy()] = new BitSet();
        }
        copies[id.copy()].set(id.slab());
    }

    void remove(final ExtentId id)
    {
        final BitSet[] copies = byVolume.get(id.volumeId());
        if (copies != null && id.copy() < copies.length && copies[id.copy()] != null)
        {
            copies[id.copy()].clear(id.slab());
        }
    }

    boolean contains(final ExtentId id)
    {
        final BitSet[] copies = byVolume.get(id.volumeId());
        return copies != null && id.copy() < copies.length && copies[id.copy()] != null && copies[id.copy()].get(id.slab());
    }
}
