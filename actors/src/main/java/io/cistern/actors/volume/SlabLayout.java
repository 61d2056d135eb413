package io.cistern.actors.volume;

import io.cistern.actors.serialization.CisternSerializable;

import java.util.ArrayList;

/**
 * Where a slab's extents are, at one layout epoch. The epoch increases with every change; data servers
 * refuse requests that carry an older one, so a front end with a stale layout cannot write.
 *
 * @param extents the copies; one in-sync copy is the primary that sequences writes (see {@link #primary()}).
 */
public record SlabLayout(long volumeId, int index, long epoch, long extentBytes, ArrayList<Extent> extents)
    implements CisternSerializable
{
    public SlabLayout
    {
        // Every node keeps every layout (pool view, layout table): the copies are shared instances, as a
        // pool has few distinct ones (drives x places x states) however many slabs it holds.
        final ArrayList<Extent> shared = new ArrayList<>(extents.size());
        for (final Extent extent : extents)
        {
            shared.add(Extent.canonical(extent));
        }
        extents = shared;
    }

    /** How many copies are in sync: may serve reads, and have every acknowledged write. */
    public int inSyncCount()
    {
        int inSync = 0;
        for (final Extent extent : extents)
        {
            if (extent.state() == ExtentState.IN_SYNC)
            {
                inSync++;
            }
        }
        return inSync;
    }

    /** The bit mask of the in-sync copies that {@code which} picks (for {@link Slab.MarkStale}). */
    public int inSyncCopies(final java.util.function.Predicate<Extent> which)
    {
        int copies = 0;
        for (final Extent extent : extents)
        {
            copies |= extent.state() == ExtentState.IN_SYNC && which.test(extent) ? 1 << extent.copy() : 0;
        }
        return copies;
    }

    /**
     * How many copies must be in sync for a write to be acknowledged: a majority of the volume's copies, so
     * that two sides of a partition cannot both accept writes. A two-way mirror keeps writing on one copy:
     * its tie is broken by the cluster, not the data plane. The copy that misses a write is marked stale in
     * the Slab entity before the write is acknowledged, and only members on the side of the partition that
     * the split-brain resolver keeps (keep-majority) reach the Slab entities, so the journal is the witness.
     * <p>
     * Counted over the volume's copies, not the layout's places: while a copy is handed over (make before
     * break) the slab has one copy more coming in, which must not raise the bar for writes.
     */
    public static int writeQuorum(final int copies)
    {
        return copies <= 2 ? 1 : copies / 2 + 1;
    }

    /** The copies the slab has: every place in the layout but the {@link ExtentState#RETIRED} ones. */
    public int liveCount()
    {
        int live = 0;
        for (final Extent extent : extents)
        {
            live += extent.state() == ExtentState.RETIRED ? 0 : 1;
        }
        return live;
    }

    /** Whether every copy the slab has is in sync: nothing to resync, rebuild or hand over. */
    public boolean allInSync()
    {
        return inSyncCount() == liveCount();
    }

    /**
     * The copy whose data server sequences the slab's writes (DESIGN section 4). The in-sync copies take
     * turns by slab index, so a volume's primaries are spread over its copies' nodes instead of all
     * landing on whichever node placement listed first. A pure function of the layout: every node that
     * knows this epoch names the same primary.
     *
     * @return the primary, or null when no copy is in sync.
     */
    public Extent primary()
    {
        final int inSync = inSyncCount();
        if (inSync == 0)
        {
            return null;
        }
        int turn = Math.floorMod(index, inSync);
        for (final Extent extent : extents)
        {
            if (extent.state() == ExtentState.IN_SYNC && turn-- == 0)
            {
                return extent;
            }
        }
        throw new IllegalStateException("unreachable: counted " + inSync + " in-sync copies");
    }
}
