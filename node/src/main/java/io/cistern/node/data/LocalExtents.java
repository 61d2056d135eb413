package io.cistern.node.data;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.storage.ExtentFile;
import io.cistern.storage.ExtentId;
import io.cistern.storage.ExtentStore;
import io.cistern.storage.IoStatus;
import io.cistern.node.metrics.DriveMetrics;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.transport.DataStatus;
import io.cistern.transport.ExtentIo;
import org.agrona.DirectBuffer;
import static io.cistern.transport.ExtentIo.dirtyMapLength;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The extents on this node's drives, as the data server reaches them: the {@link ExtentIo} over the
 * storage module's extent files.
 * <p>
 * Where a copy lives comes from the {@link LayoutTable}: a request for copy {@code c} of a slab is
 * served only if that copy's drive is one of this node's. Extent files are created at their first
 * use, so a thin volume takes drive space as it is written. Like the extent stores it owns, this
 * class belongs to the data server's agent thread; slabs freed by the control plane are queued and
 * their files deleted on that thread, by {@link #housekeeper()}. The files it opens are published in
 * {@link #open()} for this node's front ends to read directly.
 */
public final class LocalExtents implements ExtentIo
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalExtents.class);

    private final LayoutTable layouts;
    private final Map<String, ExtentStore> stores;
    /** The files opened, by volume, each with its drive; data server thread only. */
    private final Map<Long, Map<ExtentFile, String>> openByVolume = new HashMap<>();
    private final OpenExtents open;

    private final Function<String, String> serverChannels;
    private final DriveFailures failures;
    private final MetricsRegistry metrics;

    private static final ExtentState[] WRITE_TARGETS = {ExtentState.IN_SYNC, ExtentState.REBUILDING};
    private final WriteIntents intents = new WriteIntents();
    private final ExtentHousekeeper housekeeper;

    /**
     * @param stores         this node's extent stores, by drive id: a live view ({@link NodeDrives#stores()}), which a
     *                       drive joining the running node is added to.
     * @param serverChannels the data server channel of a node, by name; null for a node not in the cluster.
     */
    public LocalExtents(final LayoutTable layouts, final Map<String, ExtentStore> stores,
                        final Function<String, String> serverChannels, final DriveFailures failures,
                        final MetricsRegistry metrics)
    {
        this.failures = failures;
        this.metrics = metrics;
        this.open = new OpenExtents(failures);
        this.layouts = layouts;
        this.stores = stores;
        this.serverChannels = serverChannels;
        this.housekeeper = new ExtentHousekeeper(layouts, stores, failures, this::delete);
    }

    /** The extent files opened so far, for front ends on this node to read without a round trip. */
    public OpenExtents open()
    {
        return open;
    }

    /**
     * Queues a check of a slab whose layout changed (any thread): a copy that moved to another drive (a
     * rebuild while this node was away) leaves its old file here, which is deleted and its space freed.
     */
    public void slabPlaced(final long volumeId, final int index)
    {
        housekeeper.slabPlaced(volumeId, index);
    }

    /**
     * How the housekeeper asks a Slab entity for its layout now. The table learns layouts from the
     * journal in order, so while a node catches up it holds older ones: a copy moved <em>to</em> this
     * node would look moved away in the layout before the move. Only the entity knows, so nothing is
     * deleted as moved until it confirms; until this is set, such slabs are held back.
     */
    public void confirmMovesWith(final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current)
    {
        housekeeper.confirmMovesWith(current);
    }

    /** Queues the files of a freed slab for deletion (any thread). */
    public void slabFreed(final long volumeId, final int index)
    {
        housekeeper.slabFreed(volumeId, index);
    }

    /** Deletes the extent files of freed slabs and of copies moved away; runs on the data server's thread beside it. */
    public Agent housekeeper()
    {
        return housekeeper;
    }

    /**
     * The layout the last epoch check saw. The data server checks the epoch and then does the I/O, one
     * after the other on its thread; serving the I/O from the very layout that passed the fence means a
     * layout change in between cannot send a request checked against the old epoch to the new one's drive.
     */
    private SlabLayout fenced;

    @Override
    public long epoch(final long volumeId, final int slab)
    {
        layouts.checkPause();
        fenced = layouts.get(volumeId, slab);
        return fenced == null ? -1 : fenced.epoch();
    }

    @Override
    public int fence(final long volumeId, final int slab, final long epoch)
    {
        layouts.fence(volumeId, slab, epoch);
        if (fenced != null && fenced.volumeId() == volumeId && fenced.index() == slab && fenced.epoch() < epoch)
        {
            fenced = null; // the epoch check's cached layout is as old as the table's was
        }
        return DataStatus.OK;
    }

    @Override
    public int read(final long volumeId, final int slab, final int copy, final long offset, final int length,
                    final MutableDirectBuffer dst, final int dstOffset)
    {
        final ExtentFile file = extent(volumeId, slab, copy);
        if (file == null)
        {
            return missing(volumeId, slab, copy);
        }
        final long started = System.nanoTime();
        final int status = checked(file, file.read(offset, view(dst, dstOffset, length)));
        account(volumeId, slab, copy, status, length, started, false);
        return status;
    }

    @Override
    public int write(final long volumeId, final int slab, final int copy, final long offset, final DirectBuffer src,
                     final int srcOffset, final int length, final boolean fua)
    {
        final ExtentFile file = extent(volumeId, slab, copy);
        if (file == null)
        {
            return missing(volumeId, slab, copy);
        }
        if (!intents.track(fencedLayout(volumeId, slab), copy, file, offset, length))
        {
            return DataStatus.IO_ERROR;
        }
        final long started = System.nanoTime();
        final int status = checked(file, file.write(offset, view(src, srcOffset, length), fua));
        account(volumeId, slab, copy, status, length, started, true);
        return status;
    }

    /** Counts an extent I/O against its drive's metrics. */
    private void account(final long volumeId, final int slab, final int copy, final int status, final int length,
                         final long started, final boolean write)
    {
        final SlabLayout layout = fencedLayout(volumeId, slab);
        if (layout == null)
        {
            return;
        }
        final DriveMetrics drive = metrics.drive(layout.extents().get(copy).driveId());
        if (status == DataStatus.OK)
        {
            (write ? drive.writes : drive.reads).increment();
            (write ? drive.bytesWritten : drive.bytesRead).add(length);
            (write ? drive.writeLatency : drive.readLatency).recordNanos(System.nanoTime() - started);
        }
        else if (status == DataStatus.CHECKSUM_MISMATCH)
        {
            drive.checksumFailures.increment();
        }
        else if (status == DataStatus.FAILED_STOP)
        {
            drive.ioErrors.increment();
        }
    }

    /**
     * The status of an I/O on {@code file}: an I/O error fails its drive stop, so nothing more is asked of
     * it and the pool rebuilds its extents. A checksum mismatch is the block's fault, not the drive's.
     */
    private int checked(final ExtentFile file, final int ioStatus)
    {
        if (ioStatus == IoStatus.OK)
        {
            return DataStatus.OK;
        }
        final int status = status(ioStatus);
        if (status == DataStatus.IO_ERROR || status == DataStatus.FAILED_STOP)
        {
            final IOException cause = file.failure();
            failures.fail(openByVolume.get(file.id().volumeId()).get(file), "an I/O on " + file.file() + " failed" + (cause == null ? "" : ": " + cause));
            return DataStatus.FAILED_STOP;
        }
        return status;
    }

    /** Why there is no file to serve a copy from: its drive is failed, or it is not on this node. */
    private int missing(final long volumeId, final int slab, final int copy)
    {
        final SlabLayout layout = fencedLayout(volumeId, slab);
        final boolean failed = layout != null && copy >= 0 && copy < layout.extents().size() &&
            failures.isFailed(layout.extents().get(copy).driveId());
        return failed ? DataStatus.FAILED_STOP : DataStatus.NO_SUCH_EXTENT;
    }

    @Override
    public int primaryCopy(final long volumeId, final int slab)
    {
        final SlabLayout layout = fencedLayout(volumeId, slab);
        final Extent primary = layout == null ? null : layout.primary();
        return primary == null ? DataStatus.NO_SUCH_EXTENT : primary.copy();
    }

    @Override
    public int mirrors(final long volumeId, final int slab, final int[] copies, final String[] channels, final boolean[] inSync)
    {
        final SlabLayout layout = fencedLayout(volumeId, slab);
        final Extent primary = layout == null ? null : layout.primary();
        if (primary == null)
        {
            return DataStatus.NO_SUCH_EXTENT;
        }
        int count = 0;
        // In-sync copies first, then those being resynced: both take writes, only the first are sources.
        for (final ExtentState wanted : WRITE_TARGETS)
        {
            for (final Extent extent : layout.extents())
            {
                if (extent == primary || extent.state() != wanted || count == copies.length)
                {
                    continue;
                }
                String channel = null;
                if (!stores.containsKey(extent.driveId()))
                {
                    channel = serverChannels.apply(extent.node());
                    if (channel == null)
                    {
                        channel = UNREACHABLE; // its node is not in the cluster: it misses the write
                    }
                }
                copies[count] = extent.copy();
                inSync[count] = wanted == ExtentState.IN_SYNC;
                channels[count++] = channel;
            }
        }
        return count;
    }

    @Override
    public int dirtyMap(final long volumeId, final int slab, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final SlabLayout layout = fencedLayout(volumeId, slab);
        if (layout == null)
        {
            return DataStatus.NO_SUCH_EXTENT;
        }
        if (length != dirtyMapLength(layout.extentBytes()))
        {
            return DataStatus.MALFORMED;
        }
        for (final Extent extent : layout.extents())
        {
            if (extent.state() != ExtentState.IN_SYNC || !stores.containsKey(extent.driveId()))
            {
                continue;
            }
            final ExtentFile file = extent(volumeId, slab, extent.copy());
            if (file == null)
            {
                return missing(volumeId, slab, extent.copy());
            }
            return intents.describe(file, layout.extentBytes(), dst, dstOffset, length);
        }
        return DataStatus.NO_SUCH_EXTENT;
    }

    @Override
    public int flush(final long volumeId)
    {
        int result = DataStatus.OK;
        for (final Map.Entry<ExtentFile, String> open : openByVolume.getOrDefault(volumeId, Map.of()).entrySet())
        {
            final ExtentFile file = open.getKey();
            final String drive = open.getValue();
            int status = failures.isFailed(drive) ? DataStatus.FAILED_STOP : checked(file, file.force());
            if (status == DataStatus.FAILED_STOP && !inSyncOn(file.id(), drive))
            {
                // A failed drive's copy that is out of sync already holds nothing anyone will read: the
                // flush is about the copies that count. One still in sync fails the flush until it is
                // marked stale (its node does that at once), so durability is never claimed for it.
                status = DataStatus.OK;
            }
            if (status != DataStatus.OK)
            {
                result = status;
            }
        }
        return result;
    }

    private boolean inSyncOn(final ExtentId id, final String driveId)
    {
        final SlabLayout layout = layouts.get(id.volumeId(), id.slab());
        if (layout == null || id.copy() >= layout.extents().size())
        {
            return false;
        }
        final Extent extent = layout.extents().get(id.copy());
        return extent.state() == ExtentState.IN_SYNC && extent.driveId().equals(driveId);
    }

    /**
     * Closes and deletes one extent of this node, and forgets everything the data server kept about it.
     * Only that drive's file: a copy rebuilt on another drive of this node has the same extent id.
     */
    void delete(final String driveId, final ExtentStore store, final ExtentId id, final String why)
    {
        try
        {
            open.closing(id, driveId);
            final Map<ExtentFile, String> files = openByVolume.getOrDefault(id.volumeId(), Map.of());
            ExtentFile file = null;
            for (final Map.Entry<ExtentFile, String> opened : files.entrySet())
            {
                file = opened.getKey().id().equals(id) && opened.getValue().equals(driveId) ? opened.getKey() : file;
            }
            if (file != null)
            {
                files.remove(file);
                intents.forget(file);
            }
            store.delete(id);
            LOG.info("Deleted extent {} on drive {}: {}", id, driveId, why);
        }
        catch (final IOException ex)
        {
            LOG.warn("Could not delete extent {} on drive {} ({}): {}", id, driveId, why, ex.toString());
        }
    }

    /** The layout that passed the last fence check, if it is this slab's; else the table's. */
    private SlabLayout fencedLayout(final long volumeId, final int slab)
    {
        final SlabLayout checked = fenced;
        return checked != null && checked.volumeId() == volumeId && checked.index() == slab ?
            checked : layouts.get(volumeId, slab);
    }

    private ExtentFile extent(final long volumeId, final int slab, final int copy)
    {
        final SlabLayout layout = fencedLayout(volumeId, slab);
        if (layout == null || copy < 0 || copy >= layout.extents().size())
        {
            return null;
        }
        final Extent extent = layout.extents().get(copy);
        if (failures.isFailed(extent.driveId()) || extent.state() == ExtentState.RETIRED)
        {
            return null;
        }
        // The common case, without a lookup by id: this extent is open already.
        final ExtentFile known = open.get(volumeId, slab, copy, extent.driveId());
        if (known != null)
        {
            return known;
        }
        final ExtentStore store = stores.get(extent.driveId());
        if (store == null)
        {
            return null;
        }
        final ExtentId id = new ExtentId(volumeId, slab, copy);
        try
        {
            final ExtentFile file = store.contains(id) ? store.open(id) : store.create(id, layout.extentBytes());
            // Identity map: the store hands out one ExtentFile per extent; flush forces each once.
            if (openByVolume.computeIfAbsent(volumeId, v -> new IdentityHashMap<>()).putIfAbsent(file, extent.driveId()) == null)
            {
                open.opened(file, extent.driveId());
            }
            return file;
        }
        catch (final IOException ex)
        {
            // The drive would not open or create a file: it is failing, not the extent.
            failures.fail(extent.driveId(), "extent " + id + " cannot be opened in " + store.directory() + ": " + ex);
            return null;
        }
        catch (final RuntimeException ex)
        {
            LOG.error("Extent {} on drive {} cannot be opened: {}", id, extent.driveId(), ex.toString());
            return null;
        }
    }

    private static ByteBuffer view(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer backing = buffer.byteBuffer();
        if (backing != null)
        {
            final int start = buffer.wrapAdjustment() + offset;
            return backing.duplicate().limit(start + length).position(start);
        }
        return ByteBuffer.wrap(buffer.byteArray(), buffer.wrapAdjustment() + offset, length);
    }

    static int status(final int ioStatus)
    {
        return switch (ioStatus)
        {
            case IoStatus.OK -> DataStatus.OK;
            case IoStatus.CHECKSUM_MISMATCH -> DataStatus.CHECKSUM_MISMATCH;
            case IoStatus.OUT_OF_RANGE -> DataStatus.OUT_OF_RANGE;
            case IoStatus.FAILED_STOP -> DataStatus.FAILED_STOP;
            default -> DataStatus.IO_ERROR;
        };
    }
}
