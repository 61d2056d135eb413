package io.cistern.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The periodic check that a drive is still there and still takes writes: its header is read back by path
 * and must still name the drive, and a small probe file is written, forced and deleted beside the extents.
 * <p>
 * Open extent files keep working after their directory is removed, made read-only or unmounted lazily,
 * so without a probe a vanished drive would only be noticed at the next extent it has to create. A
 * probe that fails is a drive failure: the caller fails the drive stop.
 */
public final class DriveProbe
{
    static final String FILE_NAME = ".cistern-write-probe";
    private static final int PROBE_BYTES = 4096;

    private final Path directory;
    private final UUID expectedId;
    private final ByteBuffer block = ByteBuffer.allocateDirect(PROBE_BYTES);

    public DriveProbe(final Path directory, final UUID expectedId)
    {
        this.directory = directory;
        this.expectedId = expectedId;
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * Probes the drive once; blocking, a few small I/Os.
     *
     * @return null if the drive answered as it should, else what was wrong, naming the path.
     */
    public String check()
    {
        try
        {
            final DriveHeader header = DriveHeader.readFrom(directory);
            if (!header.id().equals(expectedId))
            {
                return directory + " now holds drive " + header.id() + ", not " + expectedId + " (was the drive swapped?)";
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return "the drive header at " + directory + " cannot be read: " + describe(ex);
        }
        try
        {
            writeProbe(directory, block.clear());
        }
        catch (final IOException | RuntimeException ex)
        {
            return "a probe write in " + directory + " failed: " + describe(ex);
        }
        return null;
    }

    /** Writes {@code bytes} to a probe file in {@code directory}, forces it to the disk and deletes it. */
    static void writeProbe(final Path directory, final ByteBuffer bytes) throws IOException
    {
        final Path probe = directory.resolve(FILE_NAME);
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.delete(probe);
    }

    static String describe(final Exception ex)
    {
        // NIO's exceptions name only the path in their message; the class says what happened.
        final String message = ex.getMessage();
        final String kind = ex.getClass().getSimpleName();
        return message == null ? kind : kind + ": " + message;
    }
}
