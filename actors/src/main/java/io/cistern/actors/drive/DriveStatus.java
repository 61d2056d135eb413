package io.cistern.actors.drive;

import io.cistern.actors.serialization.CisternSerializable;

/**
 * A drive as the pool reports it: its identity, health and use.
 *
 * @param info           identity as last registered.
 * @param incarnation    uid of the node incarnation that registered it; a report about an older
 *                       incarnation of the same node is stale and ignored.
 * @param health         current health.
 * @param detail         why it has that health, for an administrator.
 * @param sinceMillis    when it entered that health (epoch milliseconds).
 * @param allocatedBytes bytes held by extents on the drive.
 */
public record DriveStatus(
    DriveInfo info,
    long incarnation,
    DriveHealth health,
    String detail,
    long sinceMillis,
    long allocatedBytes) implements CisternSerializable
{
    public String id()
    {
        return info.id();
    }
}
