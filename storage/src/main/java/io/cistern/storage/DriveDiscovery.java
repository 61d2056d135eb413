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
                // Every configured drive, not only those opened before it: the offer must not depend on their order.
                final LocalDrive local = open(drive, faultDomain, drives.stream().map(DriveSettings::path).toList());
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
        return open(drive, faultDomain, List.of());
    }

    /**
     * Opens one drive beside this node's {@code others} (their directories): a new drive on the same
     * filesystem as some of them shares its free space with what they have promised and not yet used,
     * so drives on one filesystem together never offer more than it has.
     */
    public LocalDrive open(final DriveSettings drive, final String faultDomain, final List<Path> others) throws IOException
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
        final long capacity;
        if (drive.overcommit())
        {
            capacity = drive.capacityBytes(); // asked for: sparse files the filesystem cannot all hold
        }
        else
        {
            final java.nio.file.FileStore filesystem = Files.getFileStore(path);
            final long usable = filesystem.getUsableSpace();
            long promised = 0;
            final List<Path> sharing = new ArrayList<>();
            for (final Path other : others)
            {
                try
                {
                    if (!other.equals(path) && DriveHeader.existsIn(other) && Files.getFileStore(other).equals(filesystem))
                    {
                        promised += unused(other);
                        sharing.add(other);
                    }
                }
                catch (final IOException | RuntimeException unreadable)
                {
                    // A sibling that cannot be read (failing, or gone) promises nothing it can keep; this drive may replace it.
                }
            }
            capacity = offer(drive.capacityBytes(), usable, promised);
            if (capacity <= 0)
            {
                throw new DriveException(path + ": the filesystem has no free space to offer (" + usable + " bytes free" +
                    (sharing.isEmpty() ? "" : ", " + promised + " of them promised to " + sharing) + ")");
            }
        }
        final DriveHeader header = new DriveHeader(UUID.randomUUID(), drive.mediaType(), capacity, faultDomain, clock.instant());
        header.writeTo(path);
        return new LocalDrive(path, header, true);
    }

    /**
     * What a new drive offers: what it asks for (0: all it can), at most the filesystem's free space less
     * what other drives on it have promised and not yet used.
     */
    static long offer(final long requested, final long usable, final long promisedElsewhere)
    {
        final long room = usable - promisedElsewhere;
        return requested == 0 ? room : Math.min(requested, room);
    }

    /**
     * What a stamped drive has promised the pool and not yet taken from its filesystem: its capacity less
     * its extent files' lengths. Their lengths count as taken although the files are sparse, so this errs
     * low by what is allocated and not yet written; for new drives (the layout of a new cluster) it is exact.
     */
    private static long unused(final Path drive) throws IOException
    {
        long taken = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(drive, "*" + ExtentId.SUFFIX))
        {
            for (final Path entry : entries)
            {
                taken += Files.size(entry);
            }
        }
        return Math.max(0, DriveHeader.readFrom(drive).capacityBytes() - taken);
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
