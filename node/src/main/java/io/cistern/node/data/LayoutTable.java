package io.cistern.node.data;

import io.cistern.actors.pool.SlabListener;
import io.cistern.actors.volume.SlabLayout;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The slab layouts this node knows, for the data plane: written by the pool view as slab events
 * arrive, read by the data server (to fence stale epochs and find its extents) and by the front end
 * (to find where a slab's copies are). A layout is only ever replaced by one with a higher epoch.
 */
public final class LayoutTable implements SlabListener
{
    private final ConcurrentHashMap<SlabKey, SlabLayout> layouts = new ConcurrentHashMap<>();

    /** A slab of a volume, as a map key. */
    record SlabKey(long volumeId, int index)
    {
    }

    @Override
    public void placed(final SlabLayout layout)
    {
        layouts.merge(new SlabKey(layout.volumeId(), layout.index()), layout,
            (known, offered) -> offered.epoch() >= known.epoch() ? offered : known);
    }

    @Override
    public void freed(final long volumeId, final int index)
    {
        layouts.remove(new SlabKey(volumeId, index));
    }

    /** The layout, or null if this node has not learned one (the slab may be unplaced, or news may lag). */
    public SlabLayout get(final long volumeId, final int index)
    {
        return layouts.get(new SlabKey(volumeId, index));
    }

    /** The known epoch, or -1. */
    public long epoch(final long volumeId, final int index)
    {
        final SlabLayout layout = get(volumeId, index);
        return layout == null ? -1 : layout.epoch();
    }
}
