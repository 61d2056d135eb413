package io.cistern.node.volume;

import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.node.metrics.VolumeMetrics;
import io.cistern.node.volume.redundancy.Redundancy;
import io.cistern.node.volume.redundancy.SlabStrategy;
import io.cistern.transport.DataStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * A volume of the pool as one client session sees it through this node: the volume I/O core. It checks
 * the range, cuts a request at slab boundaries and at the data plane's frame size, finds each slab's
 * layout (placing a thin volume's slab at its first write; an unplaced slab reads as zeroes) and hands
 * each piece to the volume's {@link SlabStrategy}, which decides what goes to which extent. It counts
 * what it did in the volume's metrics and answers in {@link VolumeStatus}.
 * <p>
 * One instance per thread: its strategy and buffers are its own ({@link #concurrentView()} makes another).
 */
final class ClusterVolume implements VolumeIo
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVolume.class);
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final VolumeInfo info;
    private final DataPath path;
    private final ClusterSlabAccess access;
    private final SlabStrategy strategy;
    private final VolumeMetrics metrics;
    private final int maxChunk;
    private boolean fencedLogged;

    ClusterVolume(final VolumeInfo info, final DataPath path)
    {
        this.info = info;
        this.path = path;
        this.maxChunk = path.maxChunk();
        this.access = new ClusterSlabAccess(info, path, maxChunk);
        this.metrics = path.metrics().volume(info.name());
        this.strategy = Redundancy.of(info.resiliency()).newStrategy(access, metrics, maxChunk);
    }

    @Override
    public VolumeIo concurrentView()
    {
        return new ClusterVolume(info, path);
    }

    @Override
    public String name()
    {
        return info.name();
    }

    @Override
    public long id()
    {
        return info.volumeId();
    }

    @Override
    public long size()
    {
        // A volume resized while a session has it open: the session sees the new size (the pool view tells the table).
        return path.layouts().size(info.volumeId(), info.sizeBytes());
    }

    @Override
    public boolean flushCoversAllConnections()
    {
        // A write is acknowledged only once every in-sync copy has it, and a flush forces every node's
        // extents of the volume, whichever connection wrote them.
        return true;
    }

    @Override
    public VolumeStatus read(final long offset, final ByteBuffer dst)
    {
        final long started = System.nanoTime();
        final int total = dst.remaining();
        if (!VolumeIo.inRange(size(), offset, total))
        {
            return refused("read", offset, total);
        }
        if (deleted())
        {
            return fenced("read");
        }
        final int end = dst.limit();
        long at = offset;
        while (dst.position() < end)
        {
            final int length = chunk(at, end - dst.position());
            final int slab = slabOf(at);
            final SlabLayout layout = access.layout(slab, false);
            if (layout == null)
            {
                // Not "never written": the layout could not be had. Zeroes here would be a lie.
                return failed("read", slab, access.lastFetchFailure(), DataStatus.NOT_CONNECTED);
            }
            if (layout == ClusterSlabAccess.UNPLACED)
            {
                zero(dst, length);
            }
            else
            {
                final int status = strategy.read(layout, at % info.slabSizeBytes(), length, dst);
                if (status != DataStatus.OK)
                {
                    return failed("read", slab, VolumeStatus.of(status), status);
                }
            }
            dst.position(dst.position() + length);
            at += length;
        }
        metrics.reads.increment();
        metrics.bytesRead.add(total);
        metrics.readLatency.recordNanos(System.nanoTime() - started);
        return VolumeStatus.OK;
    }

    @Override
    public VolumeStatus write(final long offset, final ByteBuffer src, final boolean fua)
    {
        final long started = System.nanoTime();
        final int total = src.remaining();
        if (!VolumeIo.inRange(size(), offset, total))
        {
            return refused("write", offset, total);
        }
        if (deleted())
        {
            return fenced("write");
        }
        final VolumeStatus status = writeRange(offset, src, fua);
        if (status == VolumeStatus.OK)
        {
            metrics.writes.increment();
            metrics.bytesWritten.add(total);
            metrics.writeLatency.recordNanos(System.nanoTime() - started);
        }
        return status;
    }

    private VolumeStatus writeRange(final long offset, final ByteBuffer src, final boolean fua)
    {
        long at = offset;
        while (src.hasRemaining())
        {
            final int length = chunk(at, src.remaining());
            final int slab = slabOf(at);
            final SlabLayout layout = access.layout(slab, true);
            if (layout == null)
            {
                return failed("write", slab, access.lastFetchFailure(), DataStatus.NO_SUCH_EXTENT);
            }
            if (layout == ClusterSlabAccess.UNPLACED)
            {
                // Asked to place it and told it is not placed: the volume was deleted under the client.
                return fenced("write");
            }
            final int status = strategy.write(layout, at % info.slabSizeBytes(), src, length, fua);
            if (status != DataStatus.OK)
            {
                return failed("write", slab, VolumeStatus.of(status), status);
            }
            src.position(src.position() + length);
            at += length;
        }
        return VolumeStatus.OK;
    }

    /**
     * One slab's range goes to the slab's primary as one request, which compares and writes in order with
     * every other write of the slab, from any node: atomic cluster-wide. A range across two slabs (only one
     * that crosses a slab boundary, a multiple of 1 MiB) has two primaries; it is compared here and then
     * written, atomic only against callers that hold the caller's lock (the iSCSI target's, per volume and
     * node).
     */
    @Override
    public VolumeStatus compareAndWrite(final long offset, final ByteBuffer src, final boolean fua)
    {
        final long started = System.nanoTime();
        final int total = src.remaining();
        final int half = total >> 1;
        if ((total & 1) != 0 || half > maxChunk)
        {
            metrics.failedRequests.increment();
            return VolumeStatus.INVALID;
        }
        if (!VolumeIo.inRange(size(), offset, half))
        {
            return refused("compare-and-write", offset, half);
        }
        if (deleted())
        {
            return fenced("compare-and-write");
        }
        final VolumeStatus status = chunk(offset, half) == half ? compareAndWriteSlab(offset, src, half, fua) :
            compareThenWrite(offset, src, half, fua);
        if (status == VolumeStatus.OK)
        {
            metrics.writes.increment();
            metrics.bytesWritten.add(half);
            metrics.writeLatency.recordNanos(System.nanoTime() - started);
        }
        return status;
    }

    private VolumeStatus compareAndWriteSlab(final long offset, final ByteBuffer src, final int half, final boolean fua)
    {
        final int slab = slabOf(offset);
        final SlabLayout layout = access.layout(slab, true);
        if (layout == null)
        {
            return failed("compare-and-write", slab, access.lastFetchFailure(), DataStatus.NO_SUCH_EXTENT);
        }
        if (layout == ClusterSlabAccess.UNPLACED)
        {
            return fenced("compare-and-write");
        }
        final int status = strategy.compareAndWrite(layout, offset % info.slabSizeBytes(), src, half, fua);
        if (DataStatus.isMiscompare(status))
        {
            src.position(src.position() + DataStatus.miscompareIndex(status));
            return VolumeStatus.MISCOMPARE;
        }
        if (status != DataStatus.OK)
        {
            return failed("compare-and-write", slab, VolumeStatus.of(status), status);
        }
        src.position(src.limit());
        return VolumeStatus.OK;
    }

    private VolumeStatus compareThenWrite(final long offset, final ByteBuffer src, final int half, final boolean fua)
    {
        // Rare (a range across a slab boundary), so the stored bytes get a buffer of their own.
        final ByteBuffer stored = ByteBuffer.allocate(half);
        final VolumeStatus read = read(offset, stored);
        if (read != VolumeStatus.OK)
        {
            return read;
        }
        final int mismatch = stored.flip().mismatch(src.slice(src.position(), half));
        if (mismatch >= 0)
        {
            src.position(src.position() + mismatch);
            return VolumeStatus.MISCOMPARE;
        }
        src.position(src.position() + half);
        return writeRange(offset, src, fua);
    }

    @Override
    public VolumeStatus flush()
    {
        if (deleted())
        {
            return fenced("flush");
        }
        final long started = System.nanoTime();
        final int status = strategy.flush(info.volumeId(), info.slabCount());
        if (status != DataStatus.OK)
        {
            return failed("flush", -1, VolumeStatus.of(status), status);
        }
        metrics.flushes.increment();
        metrics.flushLatency.recordNanos(System.nanoTime() - started);
        return VolumeStatus.OK;
    }

    @Override
    public VolumeStatus trim(final long offset, final long length, final boolean fua)
    {
        return writeZeroes(offset, length, fua);
    }

    @Override
    public VolumeStatus writeZeroes(final long offset, final long length, final boolean fua)
    {
        if (!VolumeIo.inRange(size(), offset, length))
        {
            return refused("zero", offset, length);
        }
        if (deleted())
        {
            return fenced("zero");
        }
        long at = offset;
        final long end = offset + length;
        while (at < end)
        {
            final int chunk = chunk(at, (int)Math.min(end - at, ZEROES.capacity()));
            final int slab = slabOf(at);
            // An unplaced slab already reads as zeroes: zeroing it must not allocate it.
            final SlabLayout layout = access.layout(slab, false);
            if (layout == null)
            {
                return failed("zero", slab, access.lastFetchFailure(), DataStatus.NOT_CONNECTED);
            }
            if (layout != ClusterSlabAccess.UNPLACED)
            {
                final VolumeStatus status = write(at, ZEROES.duplicate().limit(chunk).position(0), fua);
                if (status != VolumeStatus.OK)
                {
                    return status;
                }
            }
            at += chunk;
        }
        return VolumeStatus.OK;
    }

    private int slabOf(final long at)
    {
        return (int)(at / info.slabSizeBytes());
    }

    private int chunk(final long at, final int remaining)
    {
        final long toSlabEnd = info.slabSizeBytes() - at % info.slabSizeBytes();
        return (int)Math.min(Math.min(remaining, maxChunk), toSlabEnd);
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

    /**
     * Whether the volume was deleted while this client had it open (the node's pool view says so). Also
     * where a request first looks at the layout table: if the process has just stood still, the table
     * distrusts what it knew before anything is read by it.
     */
    private boolean deleted()
    {
        path.layouts().checkPause();
        return path.layouts().isDeleted(info.volumeId());
    }

    private VolumeStatus fenced(final String what)
    {
        metrics.failedRequests.increment();
        if (!fencedLogged)
        {
            fencedLogged = true; // once per view: a client may go on asking thousands of times
            LOG.warn("{} of volume {} refused: the volume was deleted; every later request of this client fails", what,
                info.name());
        }
        return VolumeStatus.FENCED;
    }

    private VolumeStatus refused(final String what, final long offset, final long length)
    {
        metrics.failedRequests.increment();
        LOG.warn("{} of {} bytes at {} of volume {} refused: the volume has {} bytes", what, length, offset, info.name(),
            size());
        return VolumeStatus.OUT_OF_RANGE;
    }

    private VolumeStatus failed(final String what, final int slab, final VolumeStatus status, final int dataStatus)
    {
        if (deleted())
        {
            return fenced(what); // the failure is the delete's doing: say so, not "I/O error"
        }
        metrics.failedRequests.increment();
        LOG.warn("{} of volume {} (slab {}) failed: {} ({})", what, info.name(), slab, status.meaning(),
            DataStatus.describe(dataStatus));
        return status;
    }
}
