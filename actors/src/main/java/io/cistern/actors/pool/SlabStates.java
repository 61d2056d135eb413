package io.cistern.actors.pool;

import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Every slab's folded state as the pool view knows it, by volume and index: held by every node for every
 * slab of the pool, so kept small. A volume's slabs are one array; a slab with nothing in flight (every
 * copy in sync, nothing dirty, moving or handed over: nearly all of them) is held as its bare layout,
 * whose copies are shared instances ({@link SlabLayout}), and read back as {@code new Active(layout)},
 * which is what the fold would have made of it.
 */
final class SlabStates
{
    private static final Object[] NONE = new Object[0];
    private final Long2ObjectHashMap<Object[]> byVolume = new Long2ObjectHashMap<>();

    /** The slab's state; {@link Slab.Unplaced} if none is known. */
    Slab.State get(final long volumeId, final int index)
    {
        final Object[] slabs = byVolume.get(volumeId);
        final Object held = slabs == null || index < 0 || index >= slabs.length ? null : slabs[index];
        if (held instanceof SlabLayout layout)
        {
            return new Slab.Active(layout);
        }
        return held == null ? new Slab.Unplaced() : (Slab.State) held;
    }

    void put(final long volumeId, final int index, final Slab.State state)
    {
        Object[] slabs = byVolume.getOrDefault(volumeId, NONE);
        if (index >= slabs.length)
        {
            slabs = Arrays.copyOf(slabs, Math.max(index + 1, slabs.length * 2));
            byVolume.put(volumeId, slabs);
        }
        slabs[index] = compact(state);
    }

    private static Object compact(final Slab.State state)
    {
        if (state instanceof Slab.Active active && active.dirty().isEmpty() && active.moving().isEmpty()
            && active.progress().isEmpty() && active.handovers().isEmpty())
        {
            return active.layout();
        }
        return state instanceof Slab.Unplaced ? null : state;
    }

    /** A copy the snapshot writer may read while this goes on changing: the arrays are copied, their values are immutable. */
    Long2ObjectHashMap<Object[]> copy()
    {
        final Long2ObjectHashMap<Object[]> copy = new Long2ObjectHashMap<>();
        final Long2ObjectHashMap<Object[]>.EntryIterator entries = byVolume.entrySet().iterator();
        while (entries.hasNext())
        {
            entries.next();
            copy.put(entries.getLongKey(), entries.getValue().clone());
        }
        return copy;
    }

    /** Takes the slabs a snapshot held ({@link #copy()}'s shape) as this view's own. */
    void restore(final Long2ObjectHashMap<Object[]> held)
    {
        byVolume.clear();
        byVolume.putAll(held);
    }

    /** The layout of every placed slab. */
    void forEachPlaced(final Consumer<SlabLayout> action)
    {
        byVolume.values().forEach(slabs ->
        {
            for (final Object held : slabs)
            {
                if (held instanceof SlabLayout layout)
                {
                    action.accept(layout);
                }
                else if (held instanceof Slab.Active active)
                {
                    action.accept(active.layout());
                }
            }
        });
    }

    /** The layouts of one volume's placed slabs, by index. */
    void forEachPlaced(final long volumeId, final Consumer<SlabLayout> action)
    {
        final Object[] slabs = byVolume.get(volumeId);
        if (slabs == null)
        {
            return;
        }
        for (final Object held : slabs)
        {
            if (held instanceof SlabLayout layout)
            {
                action.accept(layout);
            }
            else if (held instanceof Slab.Active active)
            {
                action.accept(active.layout());
            }
        }
    }
}
