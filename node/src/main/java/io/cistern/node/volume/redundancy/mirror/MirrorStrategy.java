package io.cistern.node.volume.redundancy.mirror;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.node.metrics.VolumeMetrics;
import io.cistern.node.volume.redundancy.SlabAccess;
import io.cistern.node.volume.redundancy.SlabStrategy;
import io.cistern.transport.DataClient;
import io.cistern.transport.DataStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A mirror's reads, writes and flushes (docs/architecture.md, "Mirror").
 * <ul>
 *   <li>Write: to the slab's primary, whose data server writes every in-sync copy in the order it takes
 *   the slab's writes, whichever node they came through. Copies the primary names as having missed it are
 *   marked stale before the client hears of success, and success needs a majority still in sync. A primary
 *   that does not answer is marked stale itself and the write goes again through the next one.</li>
 *   <li>Read: from one in-sync copy, this node's own first, straight from its file when it can be; a copy
 *   that fails its checksum is skipped, the read answered from another, and the primary asked to rewrite
 *   the bad blocks from a good copy (heal-on-read).</li>
 *   <li>A stale layout epoch is refetched and the request sent again, for at most {@link #RETRY_FOR_NS}.</li>
 * </ul>
 * One instance per thread: its arrays are its own and nothing is allocated on a healthy read or write.
 */
public final class MirrorStrategy implements SlabStrategy
{
    private static final Logger LOG = LoggerFactory.getLogger(MirrorStrategy.class);
    static final long RETRY_FOR_NS = TimeUnit.SECONDS.toNanos(15);
    /** Between attempts of a write that too many copies missed to mark them (see {@link #write}). */
    static final long QUORUM_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long FAILED_STOP_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SlabAccess access;
    private final VolumeMetrics metrics;
    private final int maxChunk;
    /** The volume's copies of each slab: what the write quorum is a majority of. */
    private final int copies;
    private final long retryForNs;
    private final Extent[] order = new Extent[DataClient.MAX_COPIES * 2];
    private final Extent[] bad = new Extent[DataClient.MAX_COPIES * 2];

    public MirrorStrategy(final int copies, final SlabAccess access, final VolumeMetrics metrics, final int maxChunk)
    {
        this(copies, access, metrics, maxChunk, RETRY_FOR_NS);
    }

    /** @param retryForNs how long a write is tried again (stale layouts, a new primary, too many copies slow). */
    MirrorStrategy(final int copies, final SlabAccess access, final VolumeMetrics metrics, final int maxChunk, final long retryForNs)
    {
        this.retryForNs = retryForNs;
        this.copies = copies;
        this.access = access;
        this.metrics = metrics;
        this.maxChunk = maxChunk;
    }

    @Override
    public int read(final SlabLayout first, final long inExtent, final int length, final ByteBuffer dst)
    {
        if (readDirect(first, inExtent, length, dst))
        {
            return DataStatus.OK;
        }
        final long deadline = System.nanoTime() + RETRY_FOR_NS;
        SlabLayout layout = first;
        while (true)
        {
            final int copies = MirrorRules.readOrder(layout, access.localNode(), order);
            int badCount = 0;
            int status = DataStatus.NO_SUCH_EXTENT;
            for (int i = 0; i < copies; i++)
            {
                status = access.read(layout, order[i], inExtent, length, dst, MirrorRules.readPatienceNs(i, copies));
                if (status == DataStatus.OK)
                {
                    for (int b = 0; b < badCount; b++)
                    {
                        heal(layout, bad[b], inExtent, length);
                    }
                    return status;
                }
                if (status == DataStatus.CHECKSUM_MISMATCH)
                {
                    metrics.checksumFailures.increment();
                    bad[badCount++] = order[i];
                }
                if (status == DataStatus.STALE_EPOCH)
                {
                    break;
                }
            }
            if (status != DataStatus.STALE_EPOCH || System.nanoTime() > deadline)
            {
                return badCount == 0 ? status : DataStatus.CHECKSUM_MISMATCH;
            }
            metrics.staleLayouts.increment();
            layout = access.refresh(layout);
            if (layout == null)
            {
                return DataStatus.NO_SUCH_EXTENT;
            }
        }
    }

    /**
     * Reads this node's copy straight from its file. Only under the layout the data server fences with
     * (the table's current one), so a copy that a newer layout moved or marked out of sync is not read.
     */
    private boolean readDirect(final SlabLayout layout, final long inExtent, final int length, final ByteBuffer dst)
    {
        if (access.current(layout.volumeId(), layout.index()) != layout)
        {
            return false;
        }
        final Extent local = MirrorRules.localInSync(layout, access.localNode());
        if (local != null && access.readLocal(layout, local, inExtent, length, dst))
        {
            metrics.directReads.increment();
            return true;
        }
        return false;
    }

    @Override
    public int write(final SlabLayout first, final long inExtent, final ByteBuffer src, final int length, final boolean fua)
    {
        return sequenced(first, inExtent, src, length, fua, false);
    }

    /**
     * Through the primary, like a write: the primary compares and writes as one step, in order with the slab's
     * other writes. Each attempt after the first is sent as one again, since the one before may have written.
     */
    @Override
    public int compareAndWrite(final SlabLayout first, final long inExtent, final ByteBuffer src, final int length, final boolean fua)
    {
        return sequenced(first, inExtent, src, length, fua, true);
    }

    private int sequenced(final SlabLayout first, final long inExtent, final ByteBuffer src, final int length, final boolean fua,
                          final boolean compare)
    {
        long deadline = System.nanoTime() + retryForNs;
        SlabLayout layout = first;
        int attempts = 0;
        while (true)
        {
            if (!MirrorRules.canAcknowledge(layout, copies))
            {
                return DataStatus.NO_QUORUM;
            }
            final Extent primary = layout.primary();
            final int status = compare ? access.compareAndWrite(layout, primary, inExtent, src, length, fua, attempts++ > 0) :
                access.sequencedWrite(layout, primary, inExtent, src, length, fua);
            switch (MirrorRules.afterWrite(status))
            {
                case DONE:
                    return status;
                case MARK_MISSED:
                {
                    final int missed = DataStatus.missedCopies(status);
                    if (!MirrorRules.keepsQuorum(layout, missed, copies) && System.nanoTime() < deadline)
                    {
                        // So many copies missed it that marking them would leave no majority: they are slow (the
                        // node overloaded), or dead (then no write can be acknowledged anyway). Nothing is marked;
                        // the write goes again shortly, and a copy that takes it this time has it. Every copy that
                        // took it has the same bytes, in the primary's order.
                        metrics.quorumRetries.increment();
                        LockSupport.parkNanos(QUORUM_PAUSE_NS);
                        final SlabLayout current = access.refresh(layout);
                        layout = current == null ? layout : current;
                        break;
                    }
                    // The primary has the write but some copies do not: they are marked stale before the
                    // client hears of success, and success needs a majority still in sync.
                    return MirrorRules.canAcknowledge(markStale(layout, missed, inExtent, length), copies) ?
                        DataStatus.OK : DataStatus.NO_QUORUM;
                }
                case FAIL_OVER:
                {
                    // The primary did not answer (its node may be gone), or its drive failed and it forwarded
                    // nothing. Marked stale with the range, the write goes again through the next primary;
                    // copies it reached get the same bytes twice.
                    final SlabLayout marked = markStale(layout, 1 << primary.copy(), inExtent, length);
                    if (marked == null)
                    {
                        return status;
                    }
                    layout = marked;
                    // The mark may have waited for the cluster to move the Slab entity off a dead node: the
                    // new primary gets the full time to learn the new layout.
                    deadline = System.nanoTime() + retryForNs;
                    break;
                }
                case REFRESH:
                    if (System.nanoTime() > deadline)
                    {
                        return status;
                    }
                    // Rewriting every copy after a refreshed layout is safe: the bytes are the same.
                    metrics.staleLayouts.increment();
                    layout = access.refresh(layout);
                    if (layout == null)
                    {
                        return DataStatus.NO_SUCH_EXTENT;
                    }
                    break;
                default:
                    return status;
            }
        }
    }

    @Override
    public int flush(final long volumeId, final int slabCount)
    {
        for (final String node : nodesWithInSyncCopies(volumeId, slabCount))
        {
            int status = access.flush(node, volumeId);
            // A failed drive there still has copies in sync: its node is marking them stale (a second or
            // so). Until it has, the flush cannot be said to hold for them.
            final long deadline = System.nanoTime() + RETRY_FOR_NS;
            while (MirrorRules.afterFlush(status) == MirrorRules.AfterFlush.RETRY && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(FAILED_STOP_PAUSE_NS);
                status = access.flush(node, volumeId);
            }
            final MirrorRules.AfterFlush next = MirrorRules.afterFlush(status);
            if (next == MirrorRules.AfterFlush.DONE)
            {
                continue;
            }
            // A node that does not answer may have lost writes it acknowledged: its copies are marked stale
            // whole (what it missed is unknown), and the flush holds if a majority of each slab is left.
            if (next != MirrorRules.AfterFlush.MARK_NODE_STALE || !markNodeStale(volumeId, slabCount, node))
            {
                return status;
            }
        }
        return DataStatus.OK;
    }

    private boolean markNodeStale(final long volumeId, final int slabCount, final String node)
    {
        for (int slab = 0; slab < slabCount; slab++)
        {
            final SlabLayout layout = access.current(volumeId, slab);
            final int onNode = layout == null ? 0 : MirrorRules.inSyncCopiesOn(layout, node);
            if (onNode != 0 && !MirrorRules.canAcknowledge(markStale(layout, onNode, 0, layout.extentBytes()), copies))
            {
                return false;
            }
        }
        return true;
    }

    private SlabLayout markStale(final SlabLayout layout, final int copies, final long inExtent, final long length)
    {
        final SlabLayout marked = access.markStale(layout, copies, inExtent, length);
        if (marked != null)
        {
            metrics.staleMarks.increment();
        }
        return marked;
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
        final long from = MirrorRules.healFrom(inExtent);
        final long to = MirrorRules.healTo(layout.extentBytes(), inExtent, length);
        // In whole blocks, at most one frame at a time.
        final int piece = (int)Math.max(MirrorRules.BLOCK, maxChunk / MirrorRules.BLOCK * MirrorRules.BLOCK);
        int status = DataStatus.OK;
        for (long at = from; at < to && status == DataStatus.OK; at += piece)
        {
            status = access.repair(layout, primary, broken.copy(), at, (int)Math.min(piece, to - at));
        }
        if (status == DataStatus.OK)
        {
            metrics.healedRanges.increment();
            LOG.warn("Healed {} bytes at {} of copy {} of slab {} of volume {} on {} through the primary on {}", to - from, from,
                broken.copy(), layout.index(), layout.volumeId(), broken.node(), primary.node());
        }
        else
        {
            LOG.error("Could not heal copy {} of slab {} of volume {} on {}: {}", broken.copy(), layout.index(),
                layout.volumeId(), broken.node(), DataStatus.describe(status));
        }
    }

    private List<String> nodesWithInSyncCopies(final long volumeId, final int slabCount)
    {
        final List<String> nodes = new ArrayList<>();
        for (int slab = 0; slab < slabCount; slab++)
        {
            final SlabLayout layout = access.current(volumeId, slab);
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
}
