package io.cistern.node.repair;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.node.data.PeerRoutes;
import io.cistern.node.data.LayoutTable;
import io.cistern.transport.DataClient;
import io.cistern.transport.DataRequest;
import io.cistern.transport.DataStatus;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One scrub pass over this node's in-sync extents, drive by drive: every block is read through this
 * node's data server (so the read is ordered with the slab's writes, and a checksum mismatch is real,
 * not a write in progress) and verified there. A block that fails is rewritten from a good copy through
 * the slab's primary ({@code REPAIR}), and counted against its drive. Paced to {@code rate} bytes a
 * second so client I/O keeps going. Blocking: it runs on the scrub thread.
 */
public final class ScrubTask
{
    private static final int BLOCK = 4096;
    private static final int CHUNK = 1 << 20;

    private final LayoutTable layouts;
    private final java.util.Set<String> localDrives;
    private final PeerRoutes routes;
    private final DataClient localClient;
    private final String localChannel;
    private final long rate;
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CHUNK));
    /** The scrub thread's one data-plane request. */
    private final DataRequest request = new DataRequest();

    public ScrubTask(final LayoutTable layouts, final java.util.Set<String> localDrives, final PeerRoutes routes, final long rate)
    {
        this.layouts = layouts;
        this.localDrives = localDrives; // live: a drive that joins the running node is one of them
        this.routes = routes;
        // Reads go through this node's own data server, so they are ordered with its writes.
        this.localClient = routes.client(routes.localNode());
        this.localChannel = routes.channel(routes.localNode());
        this.rate = rate;
    }

    /** Scrubs every in-sync extent on this node's drives, one job per drive. */
    void run(final Map<String, Jobs.Entry> jobsByDrive)
    {
        final List<SlabLayout> slabs = new ArrayList<>();
        layouts.forEach(slabs::add);
        final long started = System.nanoTime();
        long scrubbed = 0;
        for (final Map.Entry<String, Jobs.Entry> drive : jobsByDrive.entrySet())
        {
            long total = 0;
            for (final SlabLayout slab : slabs)
            {
                for (final Extent extent : slab.extents())
                {
                    total += extent.driveId().equals(drive.getKey()) && extent.state() == ExtentState.IN_SYNC ? slab.extentBytes() : 0;
                }
            }
            final Jobs.Entry job = drive.getValue();
            job.planned(total, false);
            long done = 0;
            String failure = null;
            for (final SlabLayout slab : slabs)
            {
                for (final Extent extent : slab.extents())
                {
                    if (!extent.driveId().equals(drive.getKey()) || extent.state() != ExtentState.IN_SYNC)
                    {
                        continue;
                    }
                    for (long at = 0; at < slab.extentBytes() && failure == null; at += CHUNK)
                    {
                        final int length = (int)Math.min(CHUNK, slab.extentBytes() - at);
                        failure = scrub(slab.volumeId(), slab.index(), extent.copy(), at, length, job);
                        done += length;
                        scrubbed += length;
                        job.copied(done);
                        Pacer.pace(started, scrubbed, rate);
                    }
                }
            }
            job.finish(failure);
        }
    }

    /** @return why the scrub of this extent cannot go on, or null. */
    private String scrub(final long volumeId, final int slab, final int copy, final long at, final int length, final Jobs.Entry job)
    {
        final SlabLayout layout = layouts.get(volumeId, slab);
        if (layout == null || copy >= layout.extents().size() || !localDrives.contains(layout.extents().get(copy).driveId()) ||
            layout.extents().get(copy).state() != ExtentState.IN_SYNC)
        {
            return null; // moved or no longer in sync since the pass began: not this pass's to check
        }
        final int status = localClient.read(request.server(localChannel).extent(volumeId, slab, copy, layout.epoch())
            .at(at, length).into(buffer, 0));
        if (status == DataStatus.OK || status == DataStatus.STALE_EPOCH)
        {
            return null; // a layout changing under the pass: the next pass reads it
        }
        if (status != DataStatus.CHECKSUM_MISMATCH)
        {
            return "reading " + length + " bytes at " + at + " of copy " + copy + " of slab " + slab + ": " + DataStatus.describe(status);
        }
        // Which blocks: each on its own, and each bad one rewritten from a good copy through the primary.
        for (long block = at; block < at + length; block += BLOCK)
        {
            if (localClient.read(request.server(localChannel).extent(volumeId, slab, copy, layout.epoch())
                .at(block, BLOCK).into(buffer, 0)) !=
                DataStatus.CHECKSUM_MISMATCH)
            {
                continue;
            }
            final Extent primary = layout.primary();
            final String channel = primary == null ? null : routes.channel(primary.node());
            final int repaired = channel == null ? DataStatus.NOT_CONNECTED :
                routes.client(primary.node()).repair(request.server(channel).extent(volumeId, slab, copy, layout.epoch())
                    .at(block, BLOCK));
            job.badBlock(repaired == DataStatus.OK);
        }
        return null;
    }

}
