package io.cistern.node.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one home of a node's data-path metrics: per volume (as this node's front ends served it) and per
 * drive (as this node's data server did the I/O). The node's figures are the sums. The data path takes
 * its {@link VolumeMetrics} or {@link DriveMetrics} once (when a client attaches, when a drive opens) and
 * then only increments; the management layer (Prometheus text, JMX, history) reads snapshots here.
 * "Add a metric" means a field in one of those classes, fed where the event happens.
 */
public final class MetricsRegistry
{
    private static final Function<String, VolumeMetrics> NEW_VOLUME = name -> new VolumeMetrics();
    private static final Function<String, DriveMetrics> NEW_DRIVE = id -> new DriveMetrics();

    private final ConcurrentHashMap<String, VolumeMetrics> volumes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DriveMetrics> drives = new ConcurrentHashMap<>();

    /** The metrics of the volume named {@code name}, made at first use. */
    public VolumeMetrics volume(final String name)
    {
        final VolumeMetrics known = volumes.get(name);
        return known != null ? known : volumes.computeIfAbsent(name, NEW_VOLUME);
    }

    /** The metrics of the drive {@code driveId}, made at first use. */
    public DriveMetrics drive(final String driveId)
    {
        final DriveMetrics known = drives.get(driveId);
        return known != null ? known : drives.computeIfAbsent(driveId, NEW_DRIVE);
    }

    /** Forgets a deleted volume's figures. */
    public void forgetVolume(final String name)
    {
        volumes.remove(name);
    }

    public Map<String, VolumeMetrics> volumes()
    {
        return Collections.unmodifiableMap(volumes);
    }

    public Map<String, DriveMetrics> drives()
    {
        return Collections.unmodifiableMap(drives);
    }

    /** Requests this node's front ends answered with an error, over every volume. */
    public long failedRequests()
    {
        long sum = 0;
        for (final VolumeMetrics volume : volumes.values())
        {
            sum += volume.failedRequests.sum();
        }
        return sum;
    }

    /** Bytes this node's front ends wrote, over every volume. */
    public long bytesWritten()
    {
        long sum = 0;
        for (final VolumeMetrics volume : volumes.values())
        {
            sum += volume.bytesWritten.sum();
        }
        return sum;
    }

    /** Bytes this node's front ends read, over every volume. */
    public long bytesRead()
    {
        long sum = 0;
        for (final VolumeMetrics volume : volumes.values())
        {
            sum += volume.bytesRead.sum();
        }
        return sum;
    }
}
