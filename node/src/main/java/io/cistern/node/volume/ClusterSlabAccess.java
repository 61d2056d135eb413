package io.cistern.node.volume;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.node.data.PeerRoutes;
import io.cistern.node.volume.redundancy.SlabAccess;
import io.cistern.storage.BlockReader;
import io.cistern.storage.ExtentFile;
import io.cistern.storage.IoStatus;
import io.cistern.transport.DataRequest;
import io.cistern.transport.DataStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's {@link SlabAccess} for one volume: frames over the Aeron data plane (through {@link PeerRoutes}),
 * direct reads of this node's extent files, and the Slab entities for layouts and stale marks. Actors are
 * asked only when a layout is missing or stale, or a copy must be marked. One instance per thread.
 */
final class ClusterSlabAccess implements SlabAccess
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSlabAccess.class);
    /**
     * How long a write waits for copies that missed it to be marked stale: long enough for the cluster to
     * down a vanished node and move its entities (down-unreachable-after plus a recovery).
     */
    private static final long MARK_FOR_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long MARK_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** How long a layout is asked for while the Slab entity cannot be reached (see {@link #fetch}). */
    private static final long FETCH_FOR_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long REFRESH_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long FENCE_FOR_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long ATTEMPT_MS = 1_000;
    /** What {@link #layout} answers for a slab that is certainly not placed (never written): it reads as zeroes. */
    static final SlabLayout UNPLACED = new SlabLayout(-1, -1, -1, 0, new ArrayList<>());

    private final VolumeInfo info;
    private final DataPath path;
    private final PeerRoutes routes;
    private final BlockReader blockReader;
    private final UnsafeBuffer wire = new UnsafeBuffer(0, 0);
    /** This view's one data-plane request, refilled for each (a view serves one thread). */
    private final DataRequest request = new DataRequest();
    private VolumeStatus lastFetchFailure = VolumeStatus.UNAVAILABLE;

    ClusterSlabAccess(final VolumeInfo info, final DataPath path, final int maxChunk)
    {
        this.info = info;
        this.path = path;
        this.routes = path.routes();
        this.blockReader = new BlockReader(maxChunk);
    }

    /**
     * How long one ask of a Slab entity is waited for before it is sent again. Short: while the entity is
     * moving off a dead node, asks sent to its old home are lost, and the next one should go as soon as the
     * cluster has a new home for it (a persisted event takes milliseconds when the entity is there).
     */
    private long attemptMillis()
    {
        return Math.min(ATTEMPT_MS, path.timeout().toMillis());
    }

    @Override
    public String localNode()
    {
        return routes.localNode();
    }

    @Override
    public SlabLayout current(final long volumeId, final int slab)
    {
        return path.layouts().get(volumeId, slab);
    }

    /**
     * The layout of a slab: from the table, else from the Slab entity (placing it if asked to);
     * {@link #UNPLACED} if the entity says it is not placed, null if it could not be asked.
     */
    SlabLayout layout(final int slab, final boolean placeIfMissing)
    {
        final SlabLayout known = path.layouts().get(info.volumeId(), slab);
        return known != null ? known : fetch(slab, placeIfMissing);
    }

    /** Why the last {@link #layout} came back null: no room to place it, or the control plane did not answer. */
    VolumeStatus lastFetchFailure()
    {
        return lastFetchFailure;
    }

    @Override
    public SlabLayout refresh(final SlabLayout stale)
    {
        LockSupport.parkNanos(REFRESH_PAUSE_NS);
        final SlabLayout fresh = fetch(stale.index(), false);
        return fresh == UNPLACED ? null : fresh == null ? stale : fresh;
    }

    /**
     * Asks the Slab entity for a layout. While the entity cannot be reached (its node may have just died,
     * and the cluster takes a few seconds to down it and start the entity elsewhere) it asks again until
     * {@link #FETCH_FOR_NS}: a client sees a stall, not an I/O error. What the entity answers (not placed, no
     * room) is final.
     */
    private SlabLayout fetch(final int slab, final boolean placeIfMissing)
    {
        final long deadline = System.nanoTime() + FETCH_FOR_NS;
        while (path.layouts().isDistrusted(info.volumeId(), slab))
        {
            // This node stood still: its layouts, and the answers of entities it hosts, wait for the journal.
            if (System.nanoTime() > deadline)
            {
                lastFetchFailure = VolumeStatus.UNAVAILABLE;
                LOG.warn("No layout for slab {} of volume {}: still unconfirmed since this node stood still", slab, info.name());
                return null;
            }
            LockSupport.parkNanos(REFRESH_PAUSE_NS);
        }
        final SlabLayout confirmed = path.layouts().get(info.volumeId(), slab);
        if (confirmed != null)
        {
            return confirmed;
        }
        while (true)
        {
            Throwable cause;
            try
            {
                final SlabLayout layout = path.service().layout(info, slab, placeIfMissing).toCompletableFuture()
                    .get(attemptMillis(), TimeUnit.MILLISECONDS);
                path.layouts().placed(layout);
                return layout;
            }
            catch (final ExecutionException | CompletionException ex)
            {
                cause = ex.getCause() == null ? ex : ex.getCause();
            }
            catch (final Exception ex)
            {
                cause = ex;
            }
            if (cause instanceof VolumeException v && v.kind() == VolumeException.Kind.NOT_FOUND)
            {
                return UNPLACED;
            }
            final boolean settled = cause instanceof VolumeException v && v.kind() != VolumeException.Kind.UNAVAILABLE;
            if (settled || System.nanoTime() > deadline)
            {
                lastFetchFailure = cause instanceof VolumeException v && v.kind() == VolumeException.Kind.INSUFFICIENT_CAPACITY ?
                    VolumeStatus.NO_SPACE : VolumeStatus.UNAVAILABLE;
                LOG.warn("No layout for slab {} of volume {}: {}", slab, info.name(), cause.toString());
                return null;
            }
            // A layout the pool view learns meanwhile (the journal's events reach every node) ends the wait too.
            final SlabLayout learned = path.layouts().get(info.volumeId(), slab);
            if (learned != null)
            {
                return learned;
            }
            LockSupport.parkNanos(MARK_PAUSE_NS);
        }
    }

    /**
     * Retried while the Slab entity cannot be reached (its node may be the one that went away, and the
     * cluster takes a few seconds to move it), for at most {@link #MARK_FOR_NS}.
     */
    @Override
    public SlabLayout markStale(final SlabLayout layout, final int copies, final long inExtent, final long length)
    {
        final long deadline = System.nanoTime() + MARK_FOR_NS;
        while (true)
        {
            try
            {
                final SlabLayout marked = path.service().markStale(info, layout.index(), copies, inExtent, length)
                    .toCompletableFuture().get(attemptMillis(), TimeUnit.MILLISECONDS);
                path.layouts().placed(marked);
                fence(marked, copies);
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
                LockSupport.parkNanos(MARK_PAUSE_NS);
            }
        }
    }

    /**
     * Tells the nodes of the copies just marked stale that the slab's layout has moved on, before the write
     * is acknowledged: a node whose news lags would otherwise read its stale copy for a moment. A node that
     * does not answer within {@link #FENCE_FOR_NS} is gone, or paused (it distrusts its layouts when it
     * resumes, see {@link io.cistern.node.data.PauseWatch}).
     */
    private void fence(final SlabLayout marked, final int copies)
    {
        for (final Extent extent : marked.extents())
        {
            if ((copies & 1 << extent.copy()) == 0 || routes.isLocal(extent.node()))
            {
                continue;
            }
            final int status = routes.fence(extent.node(), marked, FENCE_FOR_NS, request);
            if (status != DataStatus.OK)
            {
                LOG.info("{} was not told that copy {} of slab {} of volume {} is stale (epoch {}): {}", extent.node(),
                    extent.copy(), marked.index(), info.name(), marked.epoch(), DataStatus.describe(status));
            }
        }
    }

    @Override
    public boolean readLocal(final SlabLayout layout, final Extent copy, final long inExtent, final int length, final ByteBuffer dst)
    {
        if (!blockReader.fits(inExtent, length))
        {
            return false;
        }
        final ExtentFile file = path.openExtents().get(info.volumeId(), layout.index(), copy.copy(), copy.driveId());
        return file != null && blockReader.read(file, inExtent, dst, dst.position(), length) == IoStatus.OK;
    }

    @Override
    public int read(final SlabLayout layout, final Extent copy, final long inExtent, final int length, final ByteBuffer dst,
                    final long patienceNs)
    {
        final String channel = routes.channel(copy.node());
        if (channel == null)
        {
            return DataStatus.NOT_CONNECTED;
        }
        wire.wrap(dst);
        return routes.client(copy.node()).read(request.server(channel).extent(info.volumeId(), layout.index(), copy.copy(), layout.epoch())
            .at(inExtent, length).into(wire, dst.position()).within(patienceNs));
    }

    @Override
    public int sequencedWrite(final SlabLayout layout, final Extent sequencer, final long inExtent, final ByteBuffer src,
                              final int length, final boolean fua)
    {
        final String channel = routes.channel(sequencer.node());
        if (channel == null)
        {
            return DataStatus.NOT_CONNECTED;
        }
        wire.wrap(src);
        return routes.client(sequencer.node()).sequencedWrite(request.server(channel).extent(info.volumeId(), layout.index(), sequencer.copy(), layout.epoch())
            .at(inExtent, length).from(wire, src.position()).fua(fua));
    }

    @Override
    public int compareAndWrite(final SlabLayout layout, final Extent sequencer, final long inExtent, final ByteBuffer src,
                               final int length, final boolean fua, final boolean again)
    {
        final String channel = routes.channel(sequencer.node());
        if (channel == null)
        {
            return DataStatus.NOT_CONNECTED;
        }
        wire.wrap(src);
        return routes.client(sequencer.node()).compareAndWrite(request.server(channel).extent(info.volumeId(), layout.index(),
            sequencer.copy(), layout.epoch()).at(inExtent, 2 * length).from(wire, src.position()).fua(fua), again);
    }

    @Override
    public int repair(final SlabLayout layout, final Extent sequencer, final int badCopy, final long inExtent, final int length)
    {
        final String channel = routes.channel(sequencer.node());
        if (channel == null)
        {
            return DataStatus.NOT_CONNECTED;
        }
        return routes.client(sequencer.node()).repair(request.server(channel).extent(info.volumeId(), layout.index(), badCopy, layout.epoch())
            .at(inExtent, length));
    }

    @Override
    public int flush(final String node, final long volumeId)
    {
        final String channel = routes.channel(node);
        return channel == null ? DataStatus.NOT_CONNECTED : routes.client(node).flush(channel, volumeId);
    }
}
