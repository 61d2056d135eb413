package io.cistern.node.api;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeDetail;
import io.cistern.actors.volume.VolumeHealth;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.ByteSize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A volume in {@code /api/v1/volumes}; with {@code detail} set for {@code GET /api/v1/volumes/NAME}. */
public record VolumeDocument(
    String name,
    String id,
    long sizeBytes,
    String size,
    String resiliency,
    String provisioning,
    long slabSizeBytes,
    int slabCount,
    String faultDomain,
    List<String> attachments,
    String created,
    Detail detail)
{
    /**
     * Where a volume's data lives.
     *
     * @param health          HEALTHY, DEGRADED, REPAIRING or INCOMPLETE ({@link VolumeHealth}).
     * @param footprintBytes  bytes it holds in the pool (placed slabs x copies x slab size).
     * @param slabsPlaced     slabs with extents (a thin volume places a slab at its first write).
     * @param extentsByState  extents counted by state (IN_SYNC, STALE, ...).
     * @param extentsByNode   extents counted by node.
     * @param slabs           the layouts of the slabs asked for (by default the first 1,024; {@code ?slabs=}).
     */
    public record Detail(String health, String healthReason, long footprintBytes, String footprint, int slabsPlaced,
                         int slabsUnplaced, Map<String, Integer> extentsByState, Map<String, Integer> extentsByNode,
                         List<SlabDocument> slabs)
    {
    }

    public record SlabDocument(int index, long epoch, List<ExtentDocument> extents)
    {
    }

    public record ExtentDocument(int copy, String drive, String node, String state)
    {
    }

    public static VolumeDocument of(final VolumeInfo info)
    {
        return of(info, null);
    }

    public static VolumeDocument of(final VolumeDetail detail)
    {
        return of(detail, SlabRange.ALL);
    }

    /** The volume with its counts over every slab, and the layouts of the slabs {@code listed} names. */
    static VolumeDocument of(final VolumeDetail detail, final SlabRange listed)
    {
        final Map<String, Integer> byState = new TreeMap<>();
        final Map<String, Integer> byNode = new TreeMap<>();
        final List<SlabDocument> slabs = new ArrayList<>();
        for (final SlabLayout slab : detail.slabs())
        {
            final List<ExtentDocument> extents = new ArrayList<>();
            for (final Extent extent : slab.extents())
            {
                if (extent.state() == ExtentState.RETIRED)
                {
                    continue; // handed over: no longer one of the slab's copies, its file is being deleted
                }
                byState.merge(extent.state().name(), 1, Integer::sum);
                byNode.merge(extent.node(), 1, Integer::sum);
                if (listed.contains(slab.index()))
                {
                    extents.add(new ExtentDocument(extent.copy(), extent.driveId(), extent.node(), extent.state().name()));
                }
            }
            if (listed.contains(slab.index()))
            {
                slabs.add(new SlabDocument(slab.index(), slab.epoch(), extents));
            }
        }
        final int placed = detail.slabs().size();
        final VolumeHealth health = VolumeHealth.of(detail.slabs(), detail.info().resiliency().copies());
        return of(detail.info(), new Detail(health.state(), health.reason(), detail.footprintBytes(), ByteSize.format(detail.footprintBytes()), placed,
            detail.info().slabCount() - placed, byState, byNode, slabs));
    }

    private static VolumeDocument of(final VolumeInfo info, final Detail detail)
    {
        return new VolumeDocument(info.name(), Long.toHexString(info.volumeId()), info.sizeBytes(), ByteSize.format(info.sizeBytes()),
            info.resiliency().label(), info.provisioning().name().toLowerCase(), info.slabSizeBytes(), info.slabCount(),
            info.faultDomain().name().toLowerCase(), info.attachments(), Instant.ofEpochMilli(info.createdMillis()).toString(), detail);
    }
}
