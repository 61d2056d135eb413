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
}
