package io.cistern.node.data;

import io.cistern.storage.DriveProbe;
import io.cistern.storage.ExtentStore;
import io.cistern.storage.LocalDrive;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's drives as its data plane uses them: each drive's extent store, its probe and its path,
 * by drive id. Drives join while the node runs ({@code cistern drive add}, or a drive added to the
 * node's configuration), so the views handed out here are live: the data server, the housekeeper, the
 * probes, the resyncer and the scrubber see a joined drive without being told. A drive never leaves
 * while the node runs, except one whose registration the pool refused before anything was placed on it;
 * a failed or retired drive stays, answered by {@link DriveFailures} or emptied by the rebuild.
 * <p>
 * Concurrent maps, because the data server's thread reads them while a join writes them: a lookup is
 * a plain {@code get}, with no allocation, on the hot path.
 */
public final class NodeDrives implements AutoCloseable
{
    private final Map<String, ExtentStore> stores = new ConcurrentHashMap<>();
    private final Map<String, DriveProbe> probes = new ConcurrentHashMap<>();
    private final Map<String, Path> paths = new ConcurrentHashMap<>();

    /** Opens the drive's extent store and starts probing it; the drive takes extents once it is in a layout. */
    public void add(final LocalDrive drive) throws IOException
    {
        final String id = drive.header().id().toString();
        if (stores.containsKey(id))
        {
            throw new IllegalArgumentException("drive " + id + " is already one of this node's, at " + paths.get(id));
        }
        final ExtentStore store = ExtentStore.open(drive.path());
        paths.put(id, drive.path().toAbsolutePath().normalize());
        probes.put(id, new DriveProbe(drive.path(), drive.header().id()));
        stores.put(id, store);
    }

    /** Takes back a drive that never held an extent (its registration was refused). */
    public void remove(final String id)
    {
        final ExtentStore store = stores.remove(id);
        probes.remove(id);
        paths.remove(id);
        CloseHelper.quietClose(store);
    }

    /** The ids of this node's drives; a live view. */
    public Set<String> ids()
    {
        return Collections.unmodifiableSet(stores.keySet());
    }

    /** The extent store of each drive, by id; a live view. */
    public Map<String, ExtentStore> stores()
    {
        return Collections.unmodifiableMap(stores);
    }

    /** The probe of each drive, by id; a live view. */
    public Map<String, DriveProbe> probes()
    {
        return Collections.unmodifiableMap(probes);
    }

    /** The id of the drive of this node at {@code path}, or null if none is there. */
    public String idAt(final Path path)
    {
        final Path wanted = path.toAbsolutePath().normalize();
        for (final Map.Entry<String, Path> drive : paths.entrySet())
        {
            if (drive.getValue().equals(wanted))
            {
                return drive.getKey();
            }
        }
        return null;
    }

    /** Where this node's drives are. */
    public java.util.List<Path> paths()
    {
        return java.util.List.copyOf(paths.values());
    }

    /** Where a drive of this node is, or null. */
    public Path pathOf(final String id)
    {
        return paths.get(id);
    }

    @Override
    public void close()
    {
        stores.values().forEach(CloseHelper::quietClose);
    }
}
