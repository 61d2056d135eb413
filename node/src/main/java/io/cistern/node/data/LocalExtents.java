package io.cistern.node.data;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.storage.ExtentException;
import io.cistern.storage.ExtentFile;
import io.cistern.storage.ExtentId;
import io.cistern.storage.ExtentStore;
import io.cistern.storage.IoStatus;
import io.cistern.node.metrics.DriveMetrics;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.storage.WriteIntentMap;
import io.cistern.transport.DataStatus;
import io.cistern.transport.ExtentIo;
import org.agrona.DirectBuffer;
import static io.cistern.transport.ExtentIo.MAP_REGION_BYTES;
import static io.cistern.transport.ExtentIo.dirtyMapLength;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    private final ConcurrentLinkedQueue<long[]> freed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> placed = new ConcurrentLinkedQueue<>();
    /** Slabs with a copy that looks moved away, waiting for a way to ask their Slab entity; housekeeper only. */
    private final Set<SlabKey> heldBack = new LinkedHashSet<>();
    /** Layouts their Slab entities answered, to delete the copies that really moved away by. */
    private final ConcurrentLinkedQueue<SlabLayout> confirmed = new ConcurrentLinkedQueue<>();
    private volatile BiFunction<Long, Integer, CompletionStage<SlabLayout>> currentLayout;
    private final OpenExtents open;

    private final Function<String, String> serverChannels;
    private final DriveFailures failures;
    private final MetricsRegistry metrics;

    private static final ExtentState[] WRITE_TARGETS = {ExtentState.IN_SYNC, ExtentState.REBUILDING};
    /** Write-intent maps of extents written while their slab is degraded; data server thread only. */
    private final Map<ExtentFile, WriteIntentMap> maps = new IdentityHashMap<>();
    private final Set<ExtentFile> lostMaps = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Extents known to have no map on disk: an in-sync slab's writes do not look for one each time. */
    private final Set<ExtentFile> untracked = Collections.newSetFromMap(new IdentityHashMap<>());

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
        placed.add(new long[] {volumeId, index});
    }

    /**
     * How the housekeeper asks a Slab entity for its layout now. The table learns layouts from the
     * journal in order, so while a node catches up it holds older ones: a copy moved <em>to</em> this
     * node would look moved away in the layout before the move. Only the entity knows, so nothing is
     * deleted as moved until it confirms; until this is set, such slabs are held back.
     */
    public void confirmMovesWith(final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current)
    {
        currentLayout = current;
    }

    /** Queues the files of a freed slab for deletion (any thread). */
    public void slabFreed(final long volumeId, final int index)
    {
        freed.add(new long[] {volumeId, index});
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
        if (!track(fencedLayout(volumeId, slab), copy, file, offset, length))
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
            WriteIntentMap map = maps.get(file);
            try
            {
                if (map == null && !lostMaps.contains(file))
                {
                    map = WriteIntentMap.open(file.file(), layout.extentBytes());
                    if (map != null)
                    {
                        maps.put(file, map);
                    }
                }
            }
            catch (final ExtentException ex)
            {
                LOG.error("The write-intent map of {} is lost: {}", file.id(), ex.getMessage());
                lostMaps.add(file);
            }
            catch (final IOException ex)
            {
                return DataStatus.IO_ERROR;
            }
            if (lostMaps.contains(file))
            {
                return DataStatus.MAP_LOST;
            }
            dst.setMemory(dstOffset, length, (byte)0);
            dst.putLong(dstOffset, map == null ? -1L : map.since(), ByteOrder.LITTLE_ENDIAN);
            dst.putInt(dstOffset + 8, MAP_REGION_BYTES, ByteOrder.LITTLE_ENDIAN);
            dst.putInt(dstOffset + 12, (int)((layout.extentBytes() + MAP_REGION_BYTES - 1) / MAP_REGION_BYTES),
                ByteOrder.LITTLE_ENDIAN);
            if (map != null)
            {
                final long[] words = map.words();
                for (int i = 0; i < words.length; i++)
                {
                    dst.putLong(dstOffset + 16 + i * Long.BYTES, words[i], ByteOrder.LITTLE_ENDIAN);
                }
            }
            return DataStatus.OK;
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
     * Keeps the write-intent map of an in-sync extent while another copy of its slab is out of sync: the
     * regions of the write are marked, durably, before the write is done. Once every copy is in sync again
     * the map is deleted.
     *
     * @return false if the map could not be written (the write must not be done: it would go unrecorded).
     */
    private boolean track(final SlabLayout layout, final int copy, final ExtentFile file, final long offset, final int length)
    {
        if (layout.allInSync())
        {
            if (!untracked.contains(file))
            {
                final WriteIntentMap done = maps.remove(file);
                lostMaps.remove(file);
                try
                {
                    if (done != null)
                    {
                        done.close();
                    }
                    WriteIntentMap.delete(file.file());
                    untracked.add(file);
                }
                catch (final IOException ex)
                {
                    LOG.warn("The write-intent map of {} could not be deleted: {}", file.id(), ex.toString());
                }
            }
            return true;
        }
        if (layout.extents().get(copy).state() != ExtentState.IN_SYNC || lostMaps.contains(file))
        {
            return true; // a copy being filled is no source for a resync; a lost map stays lost until then
        }
        untracked.remove(file);
        try
        {
            WriteIntentMap map = maps.get(file);
            if (map == null)
            {
                map = WriteIntentMap.open(file.file(), layout.extentBytes());
                if (map == null)
                {
                    map = WriteIntentMap.create(file.file(), layout.extentBytes(), MAP_REGION_BYTES, layout.epoch());
                }
                maps.put(file, map);
            }
            map.mark(offset, length);
            return true;
        }
        catch (final ExtentException ex)
        {
            LOG.error("The write-intent map of {} is lost, a resync will copy the whole extent: {}", file.id(), ex.getMessage());
            lostMaps.add(file);
            return true;
        }
        catch (final IOException ex)
        {
            LOG.error("The write-intent map of {} cannot be written: {}", file.id(), ex.toString());
            return false;
        }
    }

    /** Deletes the extent files of freed slabs; runs on the data server's thread beside it. */
    public Agent housekeeper()
    {
        return new Agent()
        {
            @Override
            public int doWork()
            {
                int work = 0;
                long[] slab;
                while ((slab = freed.poll()) != null)
                {
                    deleteSlab(slab[0], (int)slab[1]);
                    work++;
                }
                final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current = currentLayout;
                while ((slab = placed.poll()) != null)
                {
                    final SlabLayout layout = layouts.get(slab[0], (int)slab[1]);
                    if (layout != null && movedAway(layout))
                    {
                        heldBack.add(new SlabKey(slab[0], (int)slab[1]));
                    }
                    work++;
                }
                if (current != null && !heldBack.isEmpty())
                {
                    heldBack.forEach(held -> confirm(current, held.volumeId(), held.index()));
                    heldBack.clear();
                }
                SlabLayout answer;
                while ((answer = confirmed.poll()) != null)
                {
                    deleteMoved(answer);
                    work++;
                }
                return work;
            }

            @Override
            public String roleName()
            {
                return "extent-housekeeper";
            }
        };
    }

    private record SlabKey(long volumeId, int index)
    {
    }

    private void confirm(final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current, final long volumeId, final int index)
    {
        current.apply(volumeId, index).whenComplete((layout, failure) ->
        {
            if (layout != null)
            {
                confirmed.add(layout);
            }
            else
            {
                // Only space is at stake: the slab's next layout change, or the node's next start, tries again.
                LOG.info("Extents of slab {} of volume {} that look moved away are kept for now: its layout could not be " +
                    "confirmed ({})", index, Long.toHexString(volumeId), failure.toString());
            }
        });
    }

    /** Whether a file of this node holds a copy that the table's layout places on another drive. */
    private boolean movedAway(final SlabLayout table)
    {
        boolean any = false;
        for (final Map.Entry<String, ExtentStore> store : stores.entrySet())
        {
            for (final Extent extent : table.extents())
            {
                any |= isMoved(store.getKey(), store.getValue(), table, table, extent.copy());
            }
        }
        return any;
    }

    /** Whether this drive has a file of the copy and neither layout places the copy on it. */
    private boolean isMoved(final String driveId, final ExtentStore store, final SlabLayout entity, final SlabLayout table, final int copy)
    {
        return !failures.isFailed(driveId) && store.contains(new ExtentId(entity.volumeId(), entity.index(), copy)) &&
            !placedOn(entity, copy, driveId) && !placedOn(table, copy, driveId);
    }

    /**
     * Whether the layout has the copy on the drive. A retired copy (handed over) is on no drive; a layout may
     * have fewer places than another of the same slab (an incoming copy adds one).
     */
    private static boolean placedOn(final SlabLayout layout, final int copy, final String driveId)
    {
        if (copy >= layout.extents().size())
        {
            return false;
        }
        final Extent extent = layout.extents().get(copy);
        return extent.state() != ExtentState.RETIRED && extent.driveId().equals(driveId);
    }

    /**
     * Deletes this node's files of copies that the Slab entity's layout has on another drive, unless
     * this node's table has since learned a layout that puts the copy back here.
     */
    private void deleteMoved(final SlabLayout entity)
    {
        final SlabLayout table = layouts.get(entity.volumeId(), entity.index());
        if (table == null)
        {
            return;
        }
        for (final Map.Entry<String, ExtentStore> store : stores.entrySet())
        {
            for (final Extent extent : entity.extents())
            {
                if (isMoved(store.getKey(), store.getValue(), entity, table, extent.copy()))
                {
                    delete(store.getKey(), store.getValue(), new ExtentId(entity.volumeId(), entity.index(), extent.copy()),
                        extent.state() == ExtentState.RETIRED ? "the copy was handed over to another drive" :
                            "the copy was rebuilt on drive " + extent.driveId());
                }
            }
        }
    }

    private void deleteSlab(final long volumeId, final int index)
    {
        for (final Map.Entry<String, ExtentStore> store : stores.entrySet())
        {
            for (int copy = 0; copy < 8; copy++)
            {
                final ExtentId id = new ExtentId(volumeId, index, copy);
                if (!failures.isFailed(store.getKey()) && store.getValue().contains(id))
                {
                    delete(store.getKey(), store.getValue(), id, "its slab was freed");
                }
            }
        }
    }

    /**
     * Closes and deletes one extent of this node, and forgets everything the data server kept about it.
     * Only that drive's file: a copy rebuilt on another drive of this node has the same extent id.
     */
    private void delete(final String driveId, final ExtentStore store, final ExtentId id, final String why)
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
                lostMaps.remove(file);
                untracked.remove(file);
                final WriteIntentMap map = maps.remove(file);
                try
                {
                    if (map != null)
                    {
                        map.close();
                    }
                }
                catch (final IOException ex)
                {
                    LOG.debug("Closing the map of {}: {}", id, ex.toString());
                }
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
