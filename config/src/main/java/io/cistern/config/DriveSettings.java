package io.cistern.config;

import java.nio.file.Path;

/**
 * One configured drive of a node.
 *
 * @param path          directory of a file-backed drive.
 * @param mediaType     declared medium.
 * @param capacityBytes the size the drive offers to the pool; 0 means "the free space of the filesystem".
 * @param overcommit    offer {@code capacityBytes} even beyond the filesystem's free space (sparse files that
 *                      cannot all be written: for benchmarks of the control plane at sizes the machine cannot hold).
 */
public record DriveSettings(Path path, MediaType mediaType, long capacityBytes, boolean overcommit)
{
    /** A drive that offers no more than its filesystem has. */
    public DriveSettings(final Path path, final MediaType mediaType, final long capacityBytes)
    {
        this(path, mediaType, capacityBytes, false);
    }
}
