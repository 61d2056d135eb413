package io.cistern.storage;

import io.cistern.config.DriveSettings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Finds this node's drives at start: stamps a header into a new (empty) directory, recognises a
 * stamped one after a restart, and refuses anything it cannot safely use.
 * <p>
 * Refused: a path that is missing, not a directory or not writable (found by writing and forcing a
 * probe file, because permission bits lie to root); a non-empty directory without a header (it
 * may hold someone's data); a damaged header; two directories with the same drive id (a copied drive).
 */
public final class DriveDiscovery
{
    private final Clock clock;

    public DriveDiscovery(final Clock clock)
    {
        this.clock = clock;
    }

    /**
     * @param drives      configured drives, in configuration order.
     * @param faultDomain fault domain stamped into new drives.
     * @return the drives, in configuration order.
     * @throws DriveException naming every drive that was refused and why.
     */
    public List<LocalDrive> discover(final List<DriveSettings> drives, final String faultDomain)
    {
        final List<String> problems = new ArrayList<>();
        final List<LocalDrive> found = new ArrayList<>();
        final Map<UUID, Path> seen = new HashMap<>();
        for (final DriveSettings drive : drives)
        {
            try
            {
                final LocalDrive local = open(drive, faultDomain);
                final Path other = seen.putIfAbsent(local.header().id(), local.path());
                if (other != null)
                {
                    problems.add(local.path() + ": drive id " + local.header().id() + " is also the id of " + other +
                        " (a copied drive directory?); each drive must have its own header");
                    continue;
                }
                found.add(local);
            }
            catch (final DriveException ex)
            {
                problems.add(ex.getMessage());
            }
            catch (final IOException ex)
            {
                problems.add(drive.path() + ": " + ex);
            }
        }
        if (!problems.isEmpty())
        {
            throw new DriveException("refusing to start with these drives:\n  " + String.join("\n  ", problems));
        }
        return found;
    }

    /**
     * Opens one drive: recognises its header, or stamps a new one into an empty directory. Also how a
     * drive joins a running node ({@code cistern drive add}); the duplicate-id check across drives is
     * the caller's then.
     *
     * @throws DriveException naming the path and what is wrong with it.
     */
    public LocalDrive open(final DriveSettings drive, final String faultDomain) throws IOException
    {
        final Path path = drive.path();
        if (!Files.exists(path))
        {
            throw new DriveException(path + ": does not exist");
        }
        if (!Files.isDirectory(path))
        {
            throw new DriveException(path + ": is not a directory");
        }
        probeWritable(path);
        if (DriveHeader.existsIn(path))
        {
            return new LocalDrive(path, DriveHeader.readFrom(path), false);
        }
        if (!isEmpty(path))
        {
            throw new DriveException(path + ": is not empty and has no " + DriveHeader.FILE_NAME +
                "; refusing to claim a directory that may hold other data (empty it or choose another)");
        }
        final long usable = Files.getFileStore(path).getUsableSpace();
        final long capacity = drive.capacityBytes() == 0 ? usable : Math.min(drive.capacityBytes(), usable);
        if (capacity <= 0)
        {
            throw new DriveException(path + ": the filesystem has no free space to offer");
        }
        final DriveHeader header = new DriveHeader(UUID.randomUUID(), drive.mediaType(), capacity, faultDomain, clock.instant());
        header.writeTo(path);
        return new LocalDrive(path, header, true);
    }

    private static void probeWritable(final Path path)
    {
        try
        {
            DriveProbe.writeProbe(path, ByteBuffer.wrap(new byte[] {'o', 'k'}));
        }
        catch (final IOException ex)
        {
            throw new DriveException(path + ": is not writable (" + DriveProbe.describe(ex) + ")");
        }
    }

    private static boolean isEmpty(final Path path) throws IOException
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (!name.equals("lost+found") && !name.equals(DriveHeader.FILE_NAME + ".tmp"))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
