package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.health.HealthMonitor.Fault;
import io.cistern.actors.volume.VolumeInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * The pool's capacity faults, from its drives and volumes: a pure function the health monitor runs on each
 * reconcile, tested directly. The thresholds are S2D's: a warning past 80% allocated, critical past 90%;
 * thin volumes that promise more than the pool has; and too little free space left to rebuild the copies
 * of the fullest drive should it fail (the reserve S2D asks for).
 */
final class CapacityFaults
{
    static final double WARNING_FULL = 0.80;
    static final double CRITICAL_FULL = 0.90;

    private CapacityFaults()
    {
    }

    /** @param now when the faults are seen (the book keeps the first sighting of one that lasts). */
    static List<Fault> of(final List<DriveStatus> drives, final List<VolumeInfo> volumes, final long now)
    {
        long total = 0;
        long allocated = 0;
        DriveStatus fullest = null;
        for (final DriveStatus drive : drives)
        {
            if (drive.health() == DriveHealth.RETIRED)
            {
                continue; // not part of the pool's capacity
            }
            total += drive.info().capacityBytes();
            allocated += drive.allocatedBytes();
            if (fullest == null || drive.allocatedBytes() > fullest.allocatedBytes())
            {
                fullest = drive;
            }
        }
        final List<Fault> findings = new ArrayList<>();
        if (total == 0)
        {
            return findings;
        }
        final double used = (double) allocated / total;
        if (used > WARNING_FULL)
        {
            findings.add(new Fault(used > CRITICAL_FULL ? "CRITICAL" : "WARNING", "POOL_CAPACITY", "the pool",
                String.format("%.0f%% of the pool's capacity is allocated (%d of %d bytes, over %.0f%%); new volumes and thin " +
                    "volumes' writes fail once it is full: add drives or nodes, or delete volumes", 100 * used, allocated, total,
                    100 * (used > CRITICAL_FULL ? CRITICAL_FULL : WARNING_FULL)), now));
        }
        long provisioned = 0;
        for (final VolumeInfo volume : volumes)
        {
            provisioned += volume.provisionedBytes();
        }
        if (provisioned > total)
        {
            findings.add(new Fault("WARNING", "POOL_OVERCOMMITTED", "the pool", String.format("the volumes promise %d bytes " +
                "(their size times their copies), %.0f%% of the pool's %d: thin volumes' writes fail once the pool is full; add " +
                "capacity before they are written", provisioned, 100.0 * provisioned / total, total), now));
        }
        // A failed drive's copies are rebuilt into the free space of the others.
        if (fullest != null && fullest.allocatedBytes() > 0)
        {
            final long freeElsewhere = total - fullest.info().capacityBytes() - (allocated - fullest.allocatedBytes());
            if (freeElsewhere < fullest.allocatedBytes())
            {
                findings.add(new Fault("WARNING", "POOL_REBUILD_RESERVE", "the pool", String.format("if drive %s (%s) failed, its " +
                    "%d allocated bytes would not fit into the %d bytes free on the other drives: keep a drive's worth of " +
                    "capacity free per node, or add drives", fullest.id(), fullest.info().node(), fullest.allocatedBytes(),
                    Math.max(0, freeElsewhere)), now));
            }
        }
        return findings;
    }
}
