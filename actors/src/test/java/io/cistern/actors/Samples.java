package io.cistern.actors;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.config.MediaType;

/** Values tests share: a drive of a node, and its status. */
public final class Samples
{
    private Samples()
    {
    }

    public static DriveInfo driveInfo(final String id, final String node)
    {
        return new DriveInfo(id, node, "pekko://cistern@127.0.0.1:17355", "/srv/" + node + "/" + id, MediaType.SSD, 8L << 30, node);
    }

    public static DriveStatus status(final DriveInfo info, final long incarnation, final DriveHealth health)
    {
        return new DriveStatus(info, incarnation, health, "because", 1_000L, 0L);
    }
}
