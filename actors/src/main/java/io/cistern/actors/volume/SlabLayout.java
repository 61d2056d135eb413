package io.cistern.actors.volume;

import io.cistern.actors.serialization.CisternSerializable;

import java.util.ArrayList;

/**
 * Where a slab's extents are, at one layout epoch. The epoch increases with every change; data servers
 * refuse requests that carry an older one, so a front end with a stale layout cannot write.
 *
 * @param extents the copies; the first in-sync one is the primary that sequences writes.
 */
public record SlabLayout(long volumeId, int index, long epoch, long extentBytes, ArrayList<Extent> extents)
    implements CisternSerializable
{
    public SlabLayout
    {
        extents = new ArrayList<>(extents);
    }
}
