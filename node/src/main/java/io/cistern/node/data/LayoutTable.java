package io.cistern.node.data;

import io.cistern.actors.pool.SlabListener;
import io.cistern.actors.volume.SlabLayout;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

/**
 * The slab layouts this node knows, for the data plane: written by the pool view as slab events
 * arrive, read on every I/O by the data server (to fence stale epochs and find its extents) and the
 * front ends (to find a slab's copies). A layout is only ever replaced by one with a higher epoch.
 * <p>
 * Reads far outnumber writes (a write is a placement), so the table is copy-on-write: readers see an
 * immutable snapshot through one volatile read and look up without allocating.
 */
public final class LayoutTable implements SlabListener
{
    private static final SlabLayout[] NONE = new SlabLayout[0];
    private volatile Long2ObjectHashMap<SlabLayout[]> byVolume = new Long2ObjectHashMap<>();
    /** Ids of deleted volumes, sorted: copy-on-write like the layouts, looked up without allocating. */
    private volatile long[] deleted = new long[0];

    /** A volume was deleted: its clients' I/O is fenced from now on. */
    @Override
    public synchronized void volumeDeleted(final long volumeId)
    {
        if (Arrays.binarySearch(deleted, volumeId) < 0)
        {
            final long[] next = Arrays.copyOf(deleted, deleted.length + 1);
            next[deleted.length] = volumeId;
            Arrays.sort(next);
            deleted = next;
        }
    }

    /** Whether this node has learned that the volume was deleted. */
    public boolean isDeleted(final long volumeId)
    {
        return Arrays.binarySearch(deleted, volumeId) >= 0;
    }

    @Override
    public synchronized void placed(final SlabLayout layout)
    {
        final SlabLayout[] slabs = byVolume.getOrDefault(layout.volumeId(), NONE);
        final int index = layout.index();
        if (index < slabs.length && slabs[index] != null && slabs[index].epoch() > layout.epoch())
        {
            return;
        }
        final SlabLayout[] updated = Arrays.copyOf(slabs, Math.max(slabs.length, index + 1));
        updated[index] = layout;
        publish(layout.volumeId(), updated);
    }

    @Override
    public synchronized void freed(final long volumeId, final int index)
    {
        final SlabLayout[] slabs = byVolume.get(volumeId);
        if (slabs != null && index < slabs.length && slabs[index] != null)
        {
            final SlabLayout[] updated = slabs.clone();
            updated[index] = null;
            publish(volumeId, updated);
        }
    }

    private void publish(final long volumeId, final SlabLayout[] slabs)
    {
        final Long2ObjectHashMap<SlabLayout[]> next = new Long2ObjectHashMap<>();
        byVolume.forEachLong(next::put);
        next.put(volumeId, slabs);
        byVolume = next;
    }

    /** The layout, or null if this node has not learned one (the slab may be unplaced, or news may lag). */
    public SlabLayout get(final long volumeId, final int index)
    {
        final SlabLayout[] slabs = byVolume.get(volumeId);
        return slabs == null || index < 0 || index >= slabs.length ? null : slabs[index];
    }

    /** Every layout known now. */
    public void forEach(final java.util.function.Consumer<SlabLayout> action)
    {
        byVolume.values().forEach(slabs ->
        {
            for (final SlabLayout layout : slabs)
            {
                if (layout != null)
                {
                    action.accept(layout);
                }
            }
        });
    }

    /** The known epoch, or -1. */
    public long epoch(final long volumeId, final int index)
    {
        final SlabLayout layout = get(volumeId, index);
        return layout == null ? -1 : layout.epoch();
    }
}
