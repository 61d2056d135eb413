package io.cistern.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The extents of one drive directory: creates, opens, lists and deletes {@link ExtentFile}s, and
 * keeps the open ones so every caller gets the same handle (and so the same fail-stop state).
 * <p>
 * An extent is one file named by {@link ExtentId#fileName()}; every other file in the directory (the
 * drive header, {@code lost+found}) is not an extent and is left alone. Opening the store removes the
 * temporary files of creates that crashed before they were renamed into place: those extents never
 * existed.
 * <p>
 * <b>Not thread-safe:</b> one owner thread, the node's data server agent; its extents share one
 * {@link ExtentScratch}, so their I/O must not overlap either.
 */
public final class ExtentStore implements Closeable
{
    private final Path directory;
    private final ExtentScratch scratch = new ExtentScratch();
    private final Map<ExtentId, ExtentFile> open = new HashMap<>();
    /** The extents in the directory: listed once at open, then kept by {@link #create} and {@link #delete}. */
    private final ExtentIndex index = new ExtentIndex();
    private boolean closed;

    private ExtentStore(final Path directory)
    {
        this.directory = directory;
    }

    /**
     * @param directory a drive directory (see {@link DriveDiscovery}).
     * @throws DriveException if it is not a directory.
     */
    public static ExtentStore open(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            throw new DriveException(directory + ": is not a directory; cannot hold extents");
        }
        removeUnfinishedCreates(directory);
        final ExtentStore store = new ExtentStore(directory);
        for (final ExtentId id : store.list())
        {
            store.index.add(id);
        }
        return store;
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * Creates a new, zero-filled extent and opens it.
     *
     * @param length bytes of data: a positive multiple of {@link ExtentFile#BLOCK_SIZE}.
     * @throws ExtentException if the extent already exists on this drive.
     */
    public ExtentFile create(final ExtentId id, final long length) throws IOException
    {
        ensureOpen();
        if (open.containsKey(id))
        {
            throw new ExtentException(pathOf(id) + ": extent " + id + " already exists (and is open)");
        }
        final ExtentFile extent;
        try
        {
            extent = ExtentFile.create(directory, id, length, scratch);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (Files.exists(pathOf(id), LinkOption.NOFOLLOW_LINKS))
            {
                index.add(id); // renamed into place before the failure: it is there, to open or delete
            }
            throw ex;
        }
        open.put(id, extent);
        index.add(id);
        return extent;
    }

    /**
     * The extent's open handle, opening its file on first use.
     *
     * @throws ExtentException if this drive has no such extent, or its file is refused.
     */
    public ExtentFile open(final ExtentId id) throws IOException
    {
        ensureOpen();
        final ExtentFile existing = open.get(id);
        if (existing != null)
        {
            return existing;
        }
        final Path file = pathOf(id);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new ExtentException(file + ": no extent " + id + " on this drive");
        }
        final ExtentFile extent = ExtentFile.open(file, scratch);
        open.put(id, extent);
        return extent;
    }

    /**
     * Whether the drive holds the extent, as this store has seen its directory: what it listed when it
     * opened, and what it created and deleted since. No filesystem call: asked for every slab at a start.
     */
    public boolean contains(final ExtentId id)
    {
        ensureOpen();
        return index.contains(id);
    }

    /**
     * Closes the extent if open and deletes its file, durably. Any handle to it is unusable after.
     *
     * @return false if there was no such extent.
     */
    public boolean delete(final ExtentId id) throws IOException
    {
        ensureOpen();
        final ExtentFile extent = open.remove(id);
        if (extent != null)
        {
            extent.close();
        }
        final boolean deleted = Files.deleteIfExists(pathOf(id));
        index.remove(id);
        Files.deleteIfExists(WriteIntentMap.pathOf(pathOf(id)));
        if (deleted)
        {
            Directories.force(directory);
        }
        return deleted;
    }

    /** The extents on this drive, open or not, in file name order (volume, slab, copy). */
    public List<ExtentId> list() throws IOException
    {
        ensureOpen();
        final List<ExtentId> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory))
        {
            for (final Path entry : entries)
            {
                final ExtentId id = ExtentId.parse(entry.getFileName().toString());
                if (id != null && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                {
                    ids.add(id);
                }
            }
        }
        ids.sort(Comparator.comparing(ExtentId::fileName));
        return ids;
    }

    /**
     * Bytes the extents on this drive are entitled to: the full length of every extent file, header
     * and checksums included. The files are sparse, so the filesystem may use less today, but every
     * byte counted here can be written tomorrow; placement must not promise it twice.
     */
    public long allocatedBytes() throws IOException
    {
        long total = 0;
        for (final ExtentId id : list())
        {
            total += Files.size(pathOf(id));
        }
        return total;
    }

    /** Closes every open extent; all are closed even if one fails, and the first failure is thrown. */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        IOException first = null;
        for (final ExtentFile extent : open.values())
        {
            try
            {
                extent.close();
            }
            catch (final IOException ex)
            {
                if (first == null)
                {
                    first = ex;
                }
                else
                {
                    first.addSuppressed(ex);
                }
            }
        }
        open.clear();
        if (first != null)
        {
            throw first;
        }
    }

    private Path pathOf(final ExtentId id)
    {
        return directory.resolve(id.fileName());
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(directory + ": extent store used after close");
        }
    }

    private static void removeUnfinishedCreates(final Path directory) throws IOException
    {
        boolean removed = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (name.endsWith(ExtentFile.TMP_SUFFIX) &&
                    ExtentId.parse(name.substring(0, name.length() - ExtentFile.TMP_SUFFIX.length())) != null)
                {
                    Files.delete(entry);
                    removed = true;
                }
            }
        }
        if (removed)
        {
            Directories.force(directory);
        }
    }
}
