package io.cistern.node.jmx;

import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.health.HealthMonitor;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.node.repair.Jobs;

import java.util.List;
import java.util.Optional;

/**
 * What the beans read between refreshes: the pool view's drives and volumes, the open faults and this
 * node's jobs as {@link MBeanPublisher} last fetched them (every few seconds), so an attribute read never
 * waits on the cluster. One immutable snapshot, swapped whole.
 */
record PoolSnapshot(List<DriveStatus> drives, List<VolumeInfo> volumes, List<HealthMonitor.Fault> faults, List<Jobs.Job> jobs,
                    int members)
{
    static final PoolSnapshot EMPTY = new PoolSnapshot(List.of(), List.of(), List.of(), List.of(), 0);

    Optional<DriveStatus> drive(final String id)
    {
        return drives.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    Optional<VolumeInfo> volume(final String name)
    {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    Optional<Jobs.Job> job(final String id)
    {
        return jobs.stream().filter(j -> j.id().equals(id)).findFirst();
    }
}
