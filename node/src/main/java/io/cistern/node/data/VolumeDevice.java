package io.cistern.node.data;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.actors.volume.VolumeService;
import io.cistern.node.frontend.nbd.BlockDevice;
import io.cistern.node.frontend.nbd.Nbd;
import io.cistern.storage.BlockReader;
import io.cistern.storage.ExtentFile;
import io.cistern.storage.IoStatus;
import io.cistern.transport.DataClient;
import io.cistern.transport.DataStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A volume as one client connection sees it: the front end of the data path. It cuts a request at slab
 * boundaries and at the data plane's frame size, finds each slab's layout (placing a thin volume's
 * slab at its first write), and moves the bytes over the data plane; actors are asked only when a
 * layout is missing or stale.
 * <ul>
 *   <li>Write: to the slab's primary, whose data server writes every in-sync copy in the order it takes
 *   the slab's writes, whichever node they came through; acknowledged only when every copy has it.</li>
 *   <li>Read: from one in-sync copy, this node's own first. This node's copy is read straight from its
 *   file when the data server has it open and the read is whole blocks (a {@link BlockReader}); anything
 *   that read cannot vouch for (a mismatch may be a write in progress) goes the long way, through the
 *   data server. A copy that fails its checksum there is skipped, the read answered from another, and
 *   the slab's primary asked to rewrite the bad range from a good copy (self-heal).</li>
 *   <li>A stale layout epoch (the copy's server knows a newer layout, or has not yet learned this one)
 *   is refetched and retried until the retry deadline.</li>
 * </ul>
 * One instance per connection: it is not thread-safe, its buffers are its own.
 */
public final class VolumeDevice implements BlockDevice
{
    private static final Logger LOG = LoggerFactory.getLogger(VolumeDevice.class);
    private static final long BLOCK = 4096;
    private static final long RETRY_FOR_NS = TimeUnit.SECONDS.toNanos(15);
    /**
     * How long a write waits for copies that missed it to be marked stale: long enough for the cluster to
     * down a vanished node and move its entities (down-unreachable-after plus a recovery).
     */
    private static final long MARK_FOR_NS = TimeUnit.SECONDS.toNanos(60);
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
    /** What {@link #layout} answers for a slab that is certainly not placed (never written): it reads as zeroes. */
    private static final SlabLayout UNPLACED = new SlabLayout(-1, -1, -1, 0, new java.util.ArrayList<>());

    private final VolumeInfo info;
    private final FrontEnd frontEnd;
    private final VolumeService service;
    private final LayoutTable layouts;
    private final DataClient client;
    private final DataClient localClient;
    private final OpenExtents openExtents;
    private final BlockReader blockReader;
    private final DataEndpoints endpoints;
    private final String localNode;
    private final FrontEndCounters counters;
    private final int maxChunk;
    private final Duration askTimeout;
    private final UnsafeBuffer wire = new UnsafeBuffer(0, 0);

    VolumeDevice(final VolumeInfo info, final FrontEnd frontEnd)
    {
        this.info = info;
        this.frontEnd = frontEnd;
        this.service = frontEnd.service();
        this.layouts = frontEnd.layouts();
        this.client = frontEnd.client();
        this.localClient = frontEnd.localClient();
        this.openExtents = frontEnd.openExtents();
        this.endpoints = frontEnd.endpoints();
        this.localNode = frontEnd.localNode();
        this.counters = frontEnd.counters();
        this.maxChunk = (int)Math.min(frontEnd.maxChunk(), Nbd.MAX_PAYLOAD);
        this.blockReader = new BlockReader(maxChunk);
        this.askTimeout = frontEnd.timeout();
    }

    @Override
    public BlockDevice concurrentView()
    {
        return new VolumeDevice(info, frontEnd);
    }

    @Override
    public long size()
    {
        return info.sizeBytes();
    }

    @Override
    public boolean flushCoversAllConnections()
    {
        // A write is acknowledged only once every copy has it, and flush forces every node's extents of
        // the volume, whichever connection wrote them.
        return true;
    }

    @Override
    public int read(final long offset, final ByteBuffer dst)
    {
        final int end = dst.limit();
        long at = offset;
        while (dst.position() < end)
        {
            final int length = chunk(at, end - dst.position());
            final int slab = (int)(at / info.slabSizeBytes());
            final long inExtent = at % info.slabSizeBytes();
            final SlabLayout layout = layout(slab, false);
            if (layout == null)
            {
                // Not "never written": the layout could not be had. Zeroes here would be a lie.
                return failed("read", slab, DataStatus.NOT_CONNECTED);
            }
            if (layout == UNPLACED)
            {
                // Never written: a thin slab that is not placed reads as zeroes.
                zero(dst, length);
            }
            else
            {
                final int status = readChunk(layout, inExtent, length, dst);
                if (status != DataStatus.OK)
                {
                    return failed("read", slab, status);
                }
            }
            dst.position(dst.position() + length);
            at += length;
        }
        return 0;
    }

    @Override
    public int write(final long offset, final ByteBuffer src, final boolean fua)
    {
        long at = offset;
        while (src.hasRemaining())
        {
            final int length = chunk(at, src.remaining());
            final int slab = (int)(at / info.slabSizeBytes());
            final SlabLayout layout = layout(slab, true);
            if (layout == null || layout == UNPLACED)
            {
                return failed("write", slab, DataStatus.NO_SUCH_EXTENT);
            }
            final int status = writeChunk(layout, at % info.slabSizeBytes(), src, length, fua);
            if (status != DataStatus.OK)
            {
                return failed("write", slab, status);
            }
            src.position(src.position() + length);
            at += length;
        }
        return 0;
    }

    @Override
    public int flush()
    {
        for (final String node : nodesWithExtents())
        {
            final boolean local = node.equals(localNode);
            final String channel = local ? DataEndpoints.LOCAL : endpoints.serverChannel(node);
            int status = channel == null ? DataStatus.NOT_CONNECTED : (local ? localClient : client).flush(channel, info.volumeId());
            // A failed drive there still has copies in sync: its node is marking them stale (a second or
            // so). Until it has, the flush cannot be said to hold for them.
            final long deadline = System.nanoTime() + RETRY_FOR_NS;
            while (status == DataStatus.FAILED_STOP && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                status = (local ? localClient : client).flush(channel, info.volumeId());
            }
            if (status == DataStatus.OK)
            {
                continue;
            }
            // A node that does not answer may have lost writes it acknowledged: its copies are marked stale
            // whole (what it missed is unknown), and the flush holds if a majority of each slab is left.
            if ((status != DataStatus.TIMEOUT && status != DataStatus.NOT_CONNECTED) || !markStale(node))
            {
                return failed("flush on " + node, -1, status);
            }
        }
        return 0;
    }

    /** Marks every in-sync copy of this volume on a node stale; false if a slab would lose its majority. */
    private boolean markStale(final String node)
    {
        for (int slab = 0; slab < info.slabCount(); slab++)
        {
            final SlabLayout layout = layouts.get(info.volumeId(), slab);
            final int copies = layout == null ? 0 : layout.inSyncCopies(extent -> extent.node().equals(node));
            if (copies != 0)
            {
                final SlabLayout marked = markStale(layout, copies, 0, layout.extentBytes());
                if (marked == null || marked.inSyncCount() < marked.writeQuorum())
                {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int trim(final long offset, final long length, final boolean fua)
    {
        return writeZeroes(offset, length, fua);
    }

    @Override
    public int writeZeroes(final long offset, final long length, final boolean fua)
    {
        long at = offset;
        final long end = offset + length;
        while (at < end)
        {
            final int chunk = chunk(at, (int)Math.min(end - at, ZEROES.capacity()));
            final int slab = (int)(at / info.slabSizeBytes());
            // An unplaced slab already reads as zeroes: zeroing it must not allocate it.
            final SlabLayout layout = layout(slab, false);
            if (layout == null)
            {
                return failed("zero", slab, DataStatus.NOT_CONNECTED);
            }
            if (layout != UNPLACED)
            {
                final int status = write(at, ZEROES.duplicate().limit(chunk).position(0), fua);
                if (status != 0)
                {
                    return status;
                }
            }
            at += chunk;
        }
        return 0;
    }

    private int chunk(final long at, final int remaining)
    {
        final long toSlabEnd = info.slabSizeBytes() - at % info.slabSizeBytes();
        return (int)Math.min(Math.min(remaining, maxChunk), toSlabEnd);
    }

    private int readChunk(final SlabLayout first, final long inExtent, final int length, final ByteBuffer dst)
    {
        if (readDirect(first, inExtent, length, dst))
        {
            return DataStatus.OK;
        }
        final long deadline = System.nanoTime() + RETRY_FOR_NS;
        SlabLayout layout = first;
        while (true)
        {
            List<Extent> bad = null;
            int status = DataStatus.NO_SUCH_EXTENT;
            // This node's copy first, then the others; pass 0 and pass 1 over the same list, no allocation.
            for (int pass = 0; pass < 2 && status != DataStatus.STALE_EPOCH; pass++)
            {
                for (final Extent extent : layout.extents())
                {
                    if (extent.state() != ExtentState.IN_SYNC || extent.node().equals(localNode) != (pass == 0))
                    {
                        continue;
                    }
                    wire.wrap(dst);
                    status = readCopy(layout, extent, inExtent, length, dst.position());
                    if (status == DataStatus.OK)
                    {
                        if (bad != null)
                        {
                            for (final Extent broken : bad)
                            {
                                heal(layout, broken, inExtent, length);
                            }
                        }
                        return status;
                    }
                    if (status == DataStatus.CHECKSUM_MISMATCH)
                    {
                        counters.checksumFailures.increment();
                        bad = bad == null ? new ArrayList<>(2) : bad;
                        bad.add(extent);
                    }
                    if (status == DataStatus.STALE_EPOCH)
                    {
                        break;
                    }
                }
            }
            if (status != DataStatus.STALE_EPOCH || System.nanoTime() > deadline)
            {
                return bad == null ? status : DataStatus.CHECKSUM_MISMATCH;
            }
            layout = stale(layout);
        }
    }

    /**
     * Reads this node's copy straight from its file. Only from the layout the data server fences with
     * (the table's current one), so a copy that a newer layout moved or marked out of sync is not read.
     *
     * @return whether the bytes are in {@code dst}, verified; if not, the caller reads the long way.
     */
    private boolean readDirect(final SlabLayout layout, final long inExtent, final int length, final ByteBuffer dst)
    {
        if (!blockReader.fits(inExtent, length) || layouts.get(info.volumeId(), layout.index()) != layout)
        {
            return false;
        }
        for (final Extent extent : layout.extents())
        {
            if (extent.state() == ExtentState.IN_SYNC && extent.node().equals(localNode))
            {
                final ExtentFile file = openExtents.get(info.volumeId(), layout.index(), extent.copy(), extent.driveId());
                if (file != null && blockReader.read(file, inExtent, dst, dst.position(), length) == IoStatus.OK)
                {
                    counters.directReads.increment();
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    private int writeChunk(final SlabLayout first, final long inExtent, final ByteBuffer src, final int length, final boolean fua)
    {
        final long deadline = System.nanoTime() + RETRY_FOR_NS;
        SlabLayout layout = first;
        while (true)
        {
            if (layout.inSyncCount() < layout.writeQuorum())
            {
                return DataStatus.NO_QUORUM;
            }
            // To the slab's primary, which writes every in-sync copy in the order it takes the slab's
            // writes: two front ends writing one block cannot leave the copies disagreeing.
            final Extent primary = layout.primary();
            final boolean local = primary.node().equals(localNode);
            final String channel = local ? DataEndpoints.LOCAL : endpoints.serverChannel(primary.node());
            wire.wrap(src);
            final int status = channel == null ? DataStatus.NOT_CONNECTED : (local ? localClient : client).mirrorWrite(channel,
                info.volumeId(), layout.index(), primary.copy(), layout.epoch(), inExtent, wire, src.position(), length, fua);
            if (status == DataStatus.OK)
            {
                return status;
            }
            if (DataStatus.isDegraded(status))
            {
                // The primary has the write but some copies do not: they are marked stale before the client
                // hears of success, and success needs a majority still in sync.
                final SlabLayout marked = markStale(layout, DataStatus.missedCopies(status), inExtent, length);
                return marked == null || marked.inSyncCount() < marked.writeQuorum() ? DataStatus.NO_QUORUM : DataStatus.OK;
            }
            if (status == DataStatus.TIMEOUT || status == DataStatus.NOT_CONNECTED || status == DataStatus.FAILED_STOP)
            {
                // The primary did not answer (its node may be gone), or its drive failed and it forwarded
                // nothing. It is marked stale with the range, and the write goes again through the next
                // primary; copies it reached get the same bytes twice.
                final SlabLayout marked = markStale(layout, 1 << primary.copy(), inExtent, length);
                if (marked == null)
                {
                    return status;
                }
                layout = marked;
                continue;
            }
            if ((status != DataStatus.STALE_EPOCH && status != DataStatus.NOT_PRIMARY) || System.nanoTime() > deadline)
            {
                return status;
            }
            // Rewriting every copy after a refreshed layout is safe: the bytes are the same.
            layout = stale(layout);
        }
    }

    /**
     * Has the Slab entity mark copies that missed a write stale, persisted, before the write is
     * acknowledged. Retried while the entity cannot be reached (its node may be the one that went away,
     * and the cluster takes a few seconds to move it), for at most {@link #MARK_FOR_NS}.
     *
     * @return the layout after the mark, or null if it could not be made.
     */
    private SlabLayout markStale(final SlabLayout layout, final int copies, final long inExtent, final long length)
    {
        final long deadline = System.nanoTime() + MARK_FOR_NS;
        while (true)
        {
            try
            {
                final SlabLayout marked = service.markStale(info, layout.index(), copies, inExtent, length).toCompletableFuture()
                    .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
                layouts.placed(marked);
                counters.staleMarks.increment();
                if (marked.epoch() != layout.epoch())
                {
                    LOG.warn("Copies {} of slab {} of volume {} missed a write: marked stale, layout epoch {} -> {}, {} of {} in sync",
                        Integer.toBinaryString(copies), layout.index(), info.name(), layout.epoch(), marked.epoch(),
                        marked.inSyncCount(), marked.extents().size());
                }
                return marked;
            }
            catch (final Exception ex)
            {
                final Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                final boolean retry = !(cause instanceof VolumeException v) || v.kind() == VolumeException.Kind.UNAVAILABLE;
                if (!retry || System.nanoTime() > deadline)
                {
                    LOG.error("Copies {} of slab {} of volume {} missed a write and could not be marked stale: {}",
                        Integer.toBinaryString(copies), layout.index(), info.name(), cause.toString());
                    return null;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    /** Reads a copy's range over the data plane into {@link #wire} at {@code bufferOffset}. */
    private int readCopy(final SlabLayout layout, final Extent extent, final long inExtent, final int length, final int bufferOffset)
    {
        final boolean local = extent.node().equals(localNode);
        final String channel = local ? DataEndpoints.LOCAL : endpoints.serverChannel(extent.node());
        if (channel == null)
        {
            return DataStatus.NOT_CONNECTED;
        }
        return (local ? localClient : client).read(channel, info.volumeId(), layout.index(), extent.copy(), layout.epoch(),
            inExtent, length, wire, bufferOffset);
    }

    /**
     * Has the slab's primary rewrite the whole blocks around a range on a copy that failed its checksum,
     * from a good copy: through the primary, so the repair is ordered with the slab's writes and cannot
     * put back bytes that a write from another node has replaced meanwhile.
     */
    private void heal(final SlabLayout layout, final Extent broken, final long inExtent, final int length)
    {
        final Extent primary = layout.primary();
        if (primary == null)
        {
            return;
        }
        final long from = inExtent / BLOCK * BLOCK;
        final long to = Math.min(layout.extentBytes(), (inExtent + length + BLOCK - 1) / BLOCK * BLOCK);
        final boolean local = primary.node().equals(localNode);
        final String channel = local ? DataEndpoints.LOCAL : endpoints.serverChannel(primary.node());
        if (channel == null)
        {
            return;
        }
        // In whole blocks, at most one frame at a time.
        final int piece = (int)Math.max(BLOCK, maxChunk / BLOCK * BLOCK);
        int status = DataStatus.OK;
        for (long at = from; at < to && status == DataStatus.OK; at += piece)
        {
            status = (local ? localClient : client).repair(channel, info.volumeId(), layout.index(), broken.copy(),
                layout.epoch(), at, (int)Math.min(piece, to - at));
        }
        if (status == DataStatus.OK)
        {
            counters.healedRanges.increment();
            LOG.warn("Healed {} bytes at {} of copy {} of slab {} of volume {} on {} through the primary on {}", to - from, from,
                broken.copy(), layout.index(), info.name(), broken.node(), primary.node());
        }
        else
        {
            LOG.error("Could not heal copy {} of slab {} of volume {} on {}: {}", broken.copy(), layout.index(), info.name(),
                broken.node(), DataStatus.describe(status));
        }
    }

    /**
     * The layout of a slab: from the table, else from the Slab entity (placing it if asked to);
     * {@link #UNPLACED} if the entity says it is not placed, null if it could not be asked.
     */
    private SlabLayout layout(final int slab, final boolean placeIfMissing)
    {
        final SlabLayout known = layouts.get(info.volumeId(), slab);
        if (known != null)
        {
            return known;
        }
        return fetch(slab, placeIfMissing);
    }

    private SlabLayout stale(final SlabLayout layout)
    {
        counters.staleLayouts.increment();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        final SlabLayout fresh = fetch(layout.index(), false);
        return fresh == null || fresh == UNPLACED ? layout : fresh;
    }

    private SlabLayout fetch(final int slab, final boolean placeIfMissing)
    {
        try
        {
            final SlabLayout layout = service.layout(info, slab, placeIfMissing).toCompletableFuture()
                .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            layouts.placed(layout);
            return layout;
        }
        catch (final ExecutionException | CompletionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof VolumeException v && v.kind() == VolumeException.Kind.NOT_FOUND)
            {
                return UNPLACED;
            }
            LOG.warn("No layout for slab {} of volume {}: {}", slab, info.name(), cause == null ? ex : cause.getMessage());
            return null;
        }
        catch (final Exception ex)
        {
            LOG.warn("No layout for slab {} of volume {}: {}", slab, info.name(), ex.toString());
            return null;
        }
    }

    private List<String> nodesWithExtents()
    {
        final List<String> nodes = new ArrayList<>();
        for (int slab = 0; slab < info.slabCount(); slab++)
        {
            final SlabLayout layout = layouts.get(info.volumeId(), slab);
            if (layout != null)
            {
                for (final Extent extent : layout.extents())
                {
                    // Stale copies hold nothing a flush could make durable for the client.
                    if (extent.state() == ExtentState.IN_SYNC && !nodes.contains(extent.node()))
                    {
                        nodes.add(extent.node());
                    }
                }
            }
        }
        return nodes;
    }

    private static void zero(final ByteBuffer dst, final int length)
    {
        final ByteBuffer zeroes = ZEROES.duplicate();
        int left = length;
        int at = dst.position();
        while (left > 0)
        {
            final int n = Math.min(left, zeroes.capacity());
            dst.put(at, zeroes.limit(n).position(0), 0, n);
            at += n;
            left -= n;
        }
    }

    private int failed(final String what, final int slab, final int status)
    {
        counters.failedRequests.increment();
        LOG.warn("{} of volume {} (slab {}) failed: {}", what, info.name(), slab, DataStatus.describe(status));
        return status == DataStatus.OUT_OF_RANGE ? Nbd.EINVAL : Nbd.EIO;
    }
}
