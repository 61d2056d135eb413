package io.cistern.actors.drive;

import io.cistern.actors.serialization.CisternSerializable;
import io.cistern.config.MediaType;

/**
 * What a node says about one of its drives when it registers it.
 *
 * @param id            the UUID stamped in the drive's header; the Drive entity's id.
 * @param node          the name of the node that has the drive.
 * @param nodeAddress   the node's cluster address ({@code pekko://cistern@host:port}).
 * @param path          the drive's directory on that node.
 * @param mediaType     declared medium.
 * @param capacityBytes bytes the drive offers to the pool.
 * @param faultDomain   the fault domain its extents count against.
 */
public record DriveInfo(
    String id,
    String node,
    String nodeAddress,
    String path,
    MediaType mediaType,
    long capacityBytes,
    String faultDomain) implements CisternSerializable
{
}
