package io.cistern.storage;

import java.nio.file.Path;

/**
 * A drive found on this node at start.
 *
 * @param path    the drive's directory.
 * @param header  its identity as stamped on it.
 * @param stamped true if this start stamped it (a new drive), false if it was recognised.
 */
public record LocalDrive(Path path, DriveHeader header, boolean stamped)
{
}
