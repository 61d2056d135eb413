package io.cistern.actors.volume;

import java.util.List;

/**
 * A volume with where its data lives.
 *
 * @param slabs          the placed slabs (a thin volume places a slab at its first write).
 * @param footprintBytes bytes the volume holds in the pool: placed slabs x copies x slab size.
 */
public record VolumeDetail(VolumeInfo info, List<SlabLayout> slabs, long footprintBytes)
{
}
