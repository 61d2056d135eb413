package io.cistern.actors.volume;

import io.cistern.actors.serialization.CisternSerializable;

/**
 * One copy of a slab.
 *
 * @param copy    index of the copy in its slab (0 is the primary at placement).
 * @param driveId drive that holds it.
 * @param node    node that has the drive.
 * @param state   whether it can serve reads and must receive writes.
 */
public record Extent(int copy, String driveId, String node, ExtentState state) implements CisternSerializable
{
    /** One instance per distinct copy: bounded by the pool's drives, places and states, not its slabs. */
    private static final java.util.concurrent.ConcurrentHashMap<Extent, Extent> CANONICAL = new java.util.concurrent.ConcurrentHashMap<>();

    /** The shared instance equal to {@code extent}. */
    static Extent canonical(final Extent extent)
    {
        final Extent known = CANONICAL.putIfAbsent(extent, extent);
        return known == null ? extent : known;
    }
}
