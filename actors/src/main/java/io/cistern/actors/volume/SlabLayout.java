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
        extents = new ArrayList<>(extents);
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
        int inSync = 0;
        for (final Extent extent : extents)
        {
            if (extent.state() == ExtentState.IN_SYNC)
            {
                inSync++;
            }
        }
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
