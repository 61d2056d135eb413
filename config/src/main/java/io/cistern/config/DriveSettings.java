package io.cistern.config;

import java.nio.file.Path;

/**
 * One configured drive of a node.
 *
 * @param path          directory of a file-backed drive.
 * @param mediaType     declared medium.
 * @param capacityBytes the size the drive offers to the pool; 0 means "the free space of the filesystem".
 */
public record DriveSettings(Path path, MediaType mediaType, long capacityBytes)
{
}
