package io.cistern.node.data;

import io.cistern.actors.pool.SlabListener;
import io.cistern.actors.volume.SlabLayout;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

/**
 * The slab layouts this node knows, for the data plane: written by the pool view as slab events
 * arrive, read on every I/O by the data server (to fence stale epochs and find its extents) and the
 * front ends (to find a slab's copies). A layout is only ever replaced by one with a higher epoch.
 * <p>
 * Reads far outnumber writes, so readers look up without locking or allocating: one volatile read of
 * the map of volumes, then the volume's array. A layout is an immutable record written into its slot
 * in place (a slot holds the old layout or the new one), followed by a volatile write of the map; the
 * map and a volume's outgrown array are replaced copy-on-write.
 */
public final class LayoutTable implements SlabListener
{
    private static final SlabLayout[] NONE = new SlabLayout[0];
    private static final long[] NO_FLOORS = new long[0];
    private volatile Long2ObjectHashMap<SlabLayout[]> byVolume = new Long2ObjectHashMap<>();
    /**
     * Per slab, the lowest epoch this node may serve under: raised by a fence when copies here were marked
     * stale elsewhere and this node's news lags. A layout below it reads as unknown. Copy-on-write too.
     */
    private volatile Long2ObjectHashMap<long[]> floors = new Long2ObjectHashMap<>();
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

    /** A volume grew: the sizes its open sessions see. Copy-on-write (resizes are rare), read without allocating. */
    private volatile Long2LongHashMap sizes = new Long2LongHashMap(0);

    @Override
    public synchronized void volumeResized(final long volumeId, final long sizeBytes)
    {
        final Long2LongHashMap next = new Long2LongHashMap(0);
        next.putAll(sizes);
        next.put(volumeId, Math.max(sizeBytes, next.get(volumeId)));
        sizes = next;
    }

    /** The volume's size as this node knows it: {@code opened} (its size when a session opened it) or what it grew to since. */
    public long size(final long volumeId, final long opened)
    {
        return Math.max(opened, sizes.get(volumeId));
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
        if (index < slabs.length)
        {
            // In place: a reader sees the old layout or the new one (an immutable record), never a torn one,
            // and a copy of the volume's array per placement would make placing n slabs cost n squared.
            slabs[index] = layout;
            byVolume = byVolume; // the volatile write after the slot's: a reader's volatile read then sees it
            return;
        }
        // Grown by doubling, so a volume placed slab by slab (or replayed at a start) is copied log n times.
        final SlabLayout[] updated = Arrays.copyOf(slabs, Math.max(index + 1, slabs.length * 2));
        updated[index] = layout;
        publish(layout.volumeId(), updated);
    }

    @Override
    public synchronized void freed(final long volumeId, final int index)
    {
        final SlabLayout[] slabs = byVolume.get(volumeId);
        if (slabs != null && index < slabs.length && slabs[index] != null)
        {
            slabs[index] = null;
            byVolume = byVolume; // published like a placement
        }
    }

    /** A floor no layout reaches: the table knows the slab but distrusts it until the journal confirms it. */
    private static final long DISTRUSTED = Long.MAX_VALUE;
    /** How many times the table was distrusted: the token a confirmation must carry. */
    private long distrusts;
    private volatile PauseWatch pauseWatch;

    /** The watch whose pauses make this table distrust what it knew ({@link #checkPause()}). */
    public void watchPauses(final PauseWatch watch)
    {
        this.pauseWatch = watch;
    }

    /**
     * Called by the data path before it trusts a layout for reads: if the process has just stood still,
     * every known layout is distrusted at once (see {@link PauseWatch}).
     */
    public void checkPause()
    {
        final PauseWatch watch = pauseWatch;
        if (watch != null)
        {
            // Reported through the watch, whose report distrusts the table and asks for its confirmation:
            // a distrust of its own here would be one that no confirmation answers.
            watch.checkNow();
        }
    }

    /**
     * After a pause: every layout known reads as unknown until {@link #confirmAll} (the journal, read by the
     * pool view) says what it is now. Not the Slab entity: if this node was downed while it stood still, the
     * entity it hosts is a stale leftover, and another node runs the real one.
     *
     * @return the token a confirmation of this distrust carries.
     */
    public synchronized long distrust()
    {
        distrusts++;
        final Long2ObjectHashMap<long[]> next = new Long2ObjectHashMap<>();
        floors.forEachLong(next::put);
        byVolume.forEachLong((volumeId, slabs) ->
        {
            // What it knew is distrusted; a fence on a slab it knows no layout of stays as it was.
            final long[] before = next.getOrDefault(volumeId, NO_FLOORS);
            final long[] all = Arrays.copyOf(before, Math.max(before.length, slabs.length));
            for (int index = 0; index < slabs.length; index++)
            {
                all[index] = slabs[index] != null ? DISTRUSTED : all[index];
            }
            next.put(volumeId, all);
        });
        floors = next;
        return distrusts;
    }

    /** How many times the table has distrusted what it knew: a catch-up asked at this count may confirm it. */
    public synchronized long distrusts()
    {
        return distrusts;
    }

    /**
     * Confirms every distrusted slab at once from the journal's word on it ({@code journal}, the pool view
     * caught up with a read that began after {@link #distrust()} number {@code token}): a layout it has is
     * placed and trusted, a slab it does not have is forgotten. One pass over the table and one publication,
     * where confirming slabs one by one copied the table once each.
     *
     * @return how many slabs were confirmed; -1 if the table was distrusted again since (that distrust's own
     *         catch-up confirms it).
     */
    public synchronized int confirmAll(final io.cistern.actors.pool.SlabListener.Layouts journal, final long token)
    {
        if (token != distrusts)
        {
            return -1;
        }
        final Long2ObjectHashMap<long[]> next = new Long2ObjectHashMap<>();
        final int[] confirmed = {0};
        floors.forEachLong((volumeId, known) ->
        {
            long[] updated = null;
            for (int index = 0; index < known.length; index++)
            {
                if (known[index] != DISTRUSTED)
                {
                    continue;
                }
                updated = updated == null ? known.clone() : updated;
                final SlabLayout layout = journal.placed(volumeId, index);
                if (layout != null)
                {
                    updated[index] = layout.epoch();
                    placed(layout);
                }
                else
                {
                    updated[index] = 0;
                    freed(volumeId, index);
                }
                confirmed[0]++;
            }
            next.put(volumeId, updated == null ? known : updated);
        });
        floors = next;
        return confirmed[0];
    }

    /** Whether a slab's layout is distrusted since a pause and not yet confirmed by the journal. */
    public boolean isDistrusted(final long volumeId, final int index)
    {
        final long[] known = floors.get(volumeId);
        return known != null && index < known.length && known[index] == DISTRUSTED;
    }

    /**
     * The slab's layout has reached {@code epoch} elsewhere (copies on this node were marked stale): until
     * this node learns a layout at least that new, it knows none, so neither its data server nor its front
     * ends use the old one.
     */
    public synchronized void fence(final long volumeId, final int index, final long epoch)
    {
        final long[] known = floors.getOrDefault(volumeId, NO_FLOORS);
        if (index < known.length && known[index] >= epoch)
        {
            return;
        }
        final long[] updated = Arrays.copyOf(known, Math.max(known.length, index + 1));
        updated[index] = epoch;
        final Long2ObjectHashMap<long[]> next = new Long2ObjectHashMap<>();
        floors.forEachLong(next::put);
        next.put(volumeId, updated);
        floors = next;
    }

    private void publish(final long volumeId, final SlabLayout[] slabs)
    {
        final Long2ObjectHashMap<SlabLayout[]> next = new Long2ObjectHashMap<>();
        byVolume.forEachLong(next::put);
        next.put(volumeId, slabs);
        byVolume = next;
    }

    /** The layout, or null if this node has not learned one (the slab may be unplaced, news may lag, or a fence may say it is old). */
    public SlabLayout get(final long volumeId, final int index)
    {
        final SlabLayout[] slabs = byVolume.get(volumeId);
        final SlabLayout layout = slabs == null || index < 0 || index >= slabs.length ? null : slabs[index];
        if (layout == null)
        {
            return null;
        }
        final long[] fenced = floors.get(volumeId);
        return fenced == null || index >= fenced.length || layout.epoch() >= fenced[index] ? layout : null;
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
