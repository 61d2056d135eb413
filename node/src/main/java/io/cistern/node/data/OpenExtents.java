package io.cistern.node.data;

import io.cistern.storage.ExtentFile;
import io.cistern.storage.ExtentId;
import io.cistern.transport.DataClient;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

/**
 * The extent files this node's data server has open, for the front ends on the same node to read with
 * a {@link io.cistern.storage.BlockReader} instead of a round trip through the server. The server's
 * thread publishes a file when it opens it and withdraws it before deleting it; front-end threads look
 * up with one volatile read and no allocation.
 * <p>
 * Copy-on-write, like {@link LayoutTable}: files are opened once each and looked up on every read.
 */
public final class OpenExtents
{
    private static final Opened[] NONE = new Opened[0];
    private volatile Long2ObjectHashMap<Opened[]> byVolume = new Long2ObjectHashMap<>();
    private final DriveFailures failures;

    /** @param failures a file on a failed drive is never read directly: its copy may be missing writes. */
    public OpenExtents(final DriveFailures failures)
    {
        this.failures = failures;
    }

    /** An open extent file and the drive it is on. */
    private record Opened(ExtentFile file, String driveId)
    {
    }

    synchronized void opened(final ExtentFile file, final String driveId)
    {
        final ExtentId id = file.id();
        if (id.copy() >= DataClient.MAX_COPIES)
        {
            return; // no layout has so many copies; such a file is never read through here
        }
        final int index = index(id.slab(), id.copy());
        final Opened[] files = byVolume.getOrDefault(id.volumeId(), NONE);
        if (index < files.length && files[index] != null && files[index].file() == file)
        {
            return;
        }
        final Opened[] updated = Arrays.copyOf(files, Math.max(files.length, index + 1));
        updated[index] = new Opened(file, driveId);
        publish(id.volumeId(), updated);
    }

    /** Withdraws the extent's file on {@code driveId}, if that is the one published. */
    synchronized void closing(final ExtentId id, final String driveId)
    {
        final Opened[] files = byVolume.get(id.volumeId());
        final int index = index(id.slab(), id.copy());
        if (files != null && id.copy() < DataClient.MAX_COPIES && index < files.length && files[index] != null &&
            files[index].driveId().equals(driveId))
        {
            final Opened[] updated = files.clone();
            updated[index] = null;
            publish(id.volumeId(), updated);
        }
    }

    /**
     * The open file of an extent on this node, or null if the data server has not opened it on that
     * drive (a copy that a newer layout put on another drive of this node is not the same extent).
     */
    public ExtentFile get(final long volumeId, final int slab, final int copy, final String driveId)
    {
        final Opened[] files = byVolume.get(volumeId);
        if (files == null || slab < 0 || copy < 0 || copy >= DataClient.MAX_COPIES)
        {
            return null;
        }
        final int index = index(slab, copy);
        final Opened opened = index < files.length ? files[index] : null;
        return opened != null && opened.driveId().equals(driveId) && !failures.isFailed(driveId) ? opened.file() : null;
    }

    private void publish(final long volumeId, final Opened[] files)
    {
        final Long2ObjectHashMap<Opened[]> next = new Long2ObjectHashMap<>();
        byVolume.forEachLong(next::put);
        next.put(volumeId, files);
        byVolume = next;
    }

    private static int index(final int slab, final int copy)
    {
        return slab * DataClient.MAX_COPIES + copy;
    }
}
