package io.cistern.node.repair;

import io.cistern.actors.repair.ResyncPlan;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeService;
import io.cistern.node.data.PeerRoutes;
import io.cistern.node.data.LayoutTable;
import io.cistern.transport.DataClient;
import io.cistern.transport.DataRequest;
import io.cistern.transport.DataStatus;
import io.cistern.transport.ExtentIo;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One resync: brings a stale copy of a slab on this node back in sync by copying only what it missed.
 * <ol>
 *   <li>The Slab entity makes the copy REBUILDING: from then on the primary forwards every new write to it.</li>
 *   <li>The primary's write-intent map is fetched under that layout's epoch, so every write the copy did
 *       not get is either in the map or in the ranges the Slab recorded when it was marked stale.</li>
 *   <li>Those ranges ({@link ResyncPlan}) are rewritten on the copy from the primary's, through the
 *       primary ({@code REPAIR}), so each is ordered with the slab's writes: a copied range cannot
 *       put back bytes that a newer write replaced.</li>
 *   <li>The Slab entity puts the copy back in sync, unless it missed a write meanwhile (then the resync is
 *       refused and starts over).</li>
 * </ol>
 * Blocking: it runs on the resync thread, never on an actor's. Paced to {@code bandwidth} bytes a second.
 */
public final class ResyncTask
{
    /** How a resync ended: done, or why not, with what it copied. */
    record Outcome(long volumeId, int slab, int copy, long plannedBytes, long copiedBytes, boolean mapLost, String failure)
    {
        boolean done()
        {
            return failure == null;
        }
    }

    /** Progress for the job list; written by the resync thread, read by anyone. */
    interface Progress
    {
        /** What the resync turned out to be: a resync in place, or the copy of a rebuild or a rebalance. */
        void kind(String kind);

        void planned(long bytes, boolean mapLost);

        /** The node of the in-sync copy the resync reads from. */
        void source(String node);

        /** The resync resumes a crashed one's work: everything it had to copy below {@code offset} is done. */
        void resumed(long offset);

        void copied(long bytes);
    }

    private static final long WAIT_FOR_PRIMARY_NS = TimeUnit.SECONDS.toNanos(30);
    /**
     * How much a resync copies between checkpoints: what a crash of its node costs it at most. A
     * checkpoint is one journal write, so it is kept well apart from the next.
     */
    static final long CHECKPOINT_BYTES = 4L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ResyncTask.class);
    /** How long the node of a retired copy is given to take the news before the resync ends anyway. */
    private static final long FENCE_FOR_NS = TimeUnit.SECONDS.toNanos(1);

    private final VolumeService service;
    private final LayoutTable layouts;
    private final java.util.Set<String> localDrives;
    private final PeerRoutes routes;
    private final Duration timeout;
    private final long bandwidth;
    private final int piece;

    public ResyncTask(final VolumeService service, final LayoutTable layouts, final java.util.Set<String> localDrives,
                      final PeerRoutes routes, final Duration timeout, final long bandwidth, final int maxPayload)
    {
        this.service = service;
        this.layouts = layouts;
        this.localDrives = localDrives; // live: a drive that joins the running node is one of them
        this.routes = routes;
        this.timeout = timeout;
        this.bandwidth = bandwidth;
        this.piece = Math.max(ResyncPlan.BLOCK, maxPayload / ResyncPlan.BLOCK * ResyncPlan.BLOCK);
    }

    Outcome run(final long volumeId, final int slab, final int copy, final Progress progress)
    {
        final Slab.Resync begun;
        try
        {
            begun = begin(volumeId, slab, copy);
        }
        catch (final Exception ex)
        {
            return new Outcome(volumeId, slab, copy, 0, 0, false, "could not begin: " + cause(ex));
        }
        final SlabLayout layout = begun.layout();
        progress.kind(begun.kind());
        if (!localDrives.contains(layout.extents().get(copy).driveId()))
        {
            return new Outcome(volumeId, slab, copy, 0, 0, false, "the copy has moved to drive " +
                layout.extents().get(copy).driveId() + " on " + layout.extents().get(copy).node());
        }
        // This node's server must take the primary's writes for the copy under the new epoch at once.
        layouts.placed(layout);
        final Extent primary = layout.primary();
        if (primary == null)
        {
            return new Outcome(volumeId, slab, copy, 0, 0, false, "no copy of the slab is in sync");
        }
        progress.source(primary.node());
        final DataClient via = routes.client(primary.node());
        // One request per job: jobs run on several threads at once.
        final DataRequest request = new DataRequest();
        final String channel = routes.channel(primary.node());
        if (channel == null)
        {
            return new Outcome(volumeId, slab, copy, 0, 0, false, "the primary's node " + primary.node() + " is not in the cluster");
        }

        final int mapLength = ExtentIo.dirtyMapLength(layout.extentBytes());
        final UnsafeBuffer map = new UnsafeBuffer(ByteBuffer.allocateDirect(mapLength));
        final long waitUntil = System.nanoTime() + WAIT_FOR_PRIMARY_NS;
        int status;
        do
        {
            // STALE_EPOCH: the primary has not learned the rebuilding layout yet, and until it has, its map
            // may still be missing writes it is taking without forwarding them here.
            status = via.dirtyMap(request.server(channel).extent(volumeId, slab, 0, layout.epoch())
                .at(0, 0).into(map, 0), layout.extentBytes());
        }
        while (status == DataStatus.STALE_EPOCH && System.nanoTime() < waitUntil && park(100));
        final boolean mapLost = status == DataStatus.MAP_LOST;
        if (status != DataStatus.OK && !mapLost)
        {
            return new Outcome(volumeId, slab, copy, 0, 0, false, "no write-intent map from the primary on " + primary.node() +
                ": " + DataStatus.describe(status));
        }
        final List<ResyncPlan.Range> ranges = mapLost ? ResyncPlan.whole(layout.extentBytes()) :
            ResyncPlan.ranges(begun.missed(), copy, words(map, mapLength), map.getInt(8, ByteOrder.LITTLE_ENDIAN), layout.extentBytes());
        // A checkpoint holds only while the copy got every write since it began rebuilding; a lost map
        // means the primary may have lost track of some, so the copy starts over then.
        final long resumeFrom = mapLost ? 0 : begun.resumeFrom();
        final List<ResyncPlan.Range> left = ResyncPlan.from(ranges, resumeFrom);
        final long planned = ResyncPlan.bytes(left);
        progress.planned(planned, mapLost);
        if (resumeFrom > 0)
        {
            progress.resumed(resumeFrom);
        }

        final long started = System.nanoTime();
        long copied = 0;
        long checkpointed = 0;
        for (final ResyncPlan.Range range : left)
        {
            for (long at = range.offset(); at < range.end(); at += piece)
            {
                final int length = (int)Math.min(piece, range.end() - at);
                status = via.repair(request.server(channel).extent(volumeId, slab, copy, layout.epoch()).at(at, length));
                if (status != DataStatus.OK)
                {
                    return new Outcome(volumeId, slab, copy, planned, copied, mapLost, "copying " + length + " bytes at " + at +
                        " failed: " + DataStatus.describe(status));
                }
                copied += length;
                progress.copied(copied);
                if (copied - checkpointed >= CHECKPOINT_BYTES && begun.since() >= 0)
                {
                    // The plan is copied in offset order, so everything it holds below here is done.
                    final String refused = checkpoint(volumeId, slab, copy, begun.since(), at + length);
                    if (refused != null)
                    {
                        return new Outcome(volumeId, slab, copy, planned, copied, mapLost, refused);
                    }
                    checkpointed = copied;
                }
                Pacer.pace(started, copied, bandwidth);
            }
        }
        // The copied bytes must be on the copy's drive before the journal says so, or a power loss would
        // leave an in-sync copy without them.
        final String unforced = force(volumeId);
        if (unforced != null)
        {
            return new Outcome(volumeId, slab, copy, planned, copied, mapLost, unforced);
        }
        final SlabLayout inSync;
        try
        {
            inSync = await(service.endResync(volumeId, slab, copy));
            layouts.placed(inSync);
        }
        catch (final Exception ex)
        {
            return new Outcome(volumeId, slab, copy, planned, copied, mapLost, "could not end: " + cause(ex));
        }
        fenceRetired(layout, inSync);
        return new Outcome(volumeId, slab, copy, planned, copied, mapLost, null);
    }

    /**
     * A copy that came in sync to take another's place retired that one: its node is told the new epoch at
     * once, so that it stops reading its copy directly (writes under the new epoch no longer reach it)
     * without waiting for the journal's news.
     */
    private void fenceRetired(final SlabLayout before, final SlabLayout after)
    {
        for (final Extent extent : after.extents())
        {
            if (extent.state() != ExtentState.RETIRED || extent.copy() >= before.extents().size() ||
                before.extents().get(extent.copy()).state() == ExtentState.RETIRED || routes.isLocal(extent.node()))
            {
                continue;
            }
            final int status = routes.fence(extent.node(), after, FENCE_FOR_NS, new DataRequest());
            if (status != DataStatus.OK)
            {
                LOG.info("{} was not told that copy {} of slab {} of volume {} was handed over (epoch {}): {}", extent.node(),
                    extent.copy(), after.index(), Long.toHexString(after.volumeId()), after.epoch(), DataStatus.describe(status));
            }
        }
    }

    /**
     * Begins (or resumes) the resync with a primary that can answer. A primary whose node the cluster has
     * downed never will: its copies are marked stale, whole (what it took and did not pass on is unknown,
     * as when a flush finds a node gone), so another in-sync copy becomes the primary and the resync goes
     * on from its checkpoint reading from there. The Slab refuses if no copy would be left in sync.
     */
    private Slab.Resync begin(final long volumeId, final int slab, final int copy) throws Exception
    {
        Slab.Resync begun = await(service.beginResync(volumeId, slab, copy));
        for (int tries = begun.layout().extents().size(); tries > 0; tries--)
        {
            final SlabLayout layout = begun.layout();
            final Extent primary = layout.primary();
            if (primary == null || routes.isLocal(primary.node()) || routes.isMember(primary.node()))
            {
                break;
            }
            await(service.markStale(volumeId, slab, 1 << primary.copy(), 0, layout.extentBytes()));
            begun = await(service.beginResync(volumeId, slab, copy));
        }
        return begun;
    }

    /** @return null once the checkpoint is in the journal, or why the resync must stop. */
    private String checkpoint(final long volumeId, final int slab, final int copy, final long since, final long offset)
    {
        // What the checkpoint vouches for must survive a power loss first.
        final String unforced = force(volumeId);
        if (unforced != null)
        {
            return unforced + " before a checkpoint";
        }
        try
        {
            await(service.checkpoint(volumeId, slab, copy, since, offset));
            return null;
        }
        catch (final Exception ex)
        {
            return "could not checkpoint at " + offset + ": " + cause(ex);
        }
    }

    /**
     * Forces the volume's extents on this node, the copy's among them, to their drives.
     *
     * @return null once done, or why not.
     */
    private String force(final long volumeId)
    {
        final int status = routes.client(routes.localNode()).flush(routes.channel(routes.localNode()), volumeId);
        return status == DataStatus.OK ? null : "forcing the copy to its drive failed: " + DataStatus.describe(status);
    }

    /** Waits for the control plane's answer, at most the ask timeout. */
    private <T> T await(final java.util.concurrent.CompletionStage<T> answer) throws Exception
    {
        return answer.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long[] words(final UnsafeBuffer map, final int length)
    {
        if (map.getLong(0, ByteOrder.LITTLE_ENDIAN) < 0)
        {
            return null; // the primary never tracked: nothing was written while the copy was out
        }
        final long[] words = new long[(length - 16) / Long.BYTES];
        for (int i = 0; i < words.length; i++)
        {
            words[i] = map.getLong(16 + i * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        return words;
    }

    private static boolean park(final long millis)
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        return !Thread.currentThread().isInterrupted();
    }

    private static String cause(final Exception ex)
    {
        final Throwable cause = ex.getCause() == null ? ex : ex.getCause();
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
