package io.cistern.node.jmx;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.node.metrics.DriveMetrics;
import io.cistern.node.metrics.Latency;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.node.metrics.VolumeMetrics;
import io.cistern.node.repair.Jobs;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The MBeans themselves: thin readers of the latest {@link PoolSnapshot} and of this node's live
 * {@link MetricsRegistry}; operations hand off to the actors that do the work.
 */
final class Beans
{
    private Beans()
    {
    }

    static double p99Millis(final Latency latency)
    {
        final org.HdrHistogram.Histogram histogram = latency.snapshot();
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(99) / 1e3;
    }

    record Node(String name, Supplier<PoolSnapshot> snapshot, MetricsRegistry metrics, Supplier<String> scrubber) implements NodeMXBean
    {
        @Override
        public String getName()
        {
            return name;
        }

        @Override
        public int getClusterMembers()
        {
            return snapshot.get().members();
        }

        @Override
        public long getFailedRequests()
        {
            return metrics.failedRequests();
        }

        @Override
        public String scrub()
        {
            return scrubber.get();
        }
    }

    record Pool(Supplier<PoolSnapshot> snapshot, Supplier<String> optimizer) implements PoolMXBean
    {
        @Override
        public int getDrives()
        {
            return snapshot.get().drives().size();
        }

        @Override
        public int getHealthyDrives()
        {
            return (int)snapshot.get().drives().stream().filter(d -> d.health() == DriveHealth.HEALTHY).count();
        }

        @Override
        public long getCapacityBytes()
        {
            return snapshot.get().drives().stream().mapToLong(d -> d.info().capacityBytes()).sum();
        }

        @Override
        public long getAllocatedBytes()
        {
            return snapshot.get().drives().stream().mapToLong(DriveStatus::allocatedBytes).sum();
        }

        @Override
        public int getVolumes()
        {
            return snapshot.get().volumes().size();
        }

        @Override
        public String optimize()
        {
            return optimizer.get();
        }
    }

    record Drive(String id, Supplier<PoolSnapshot> snapshot, MetricsRegistry metrics, Function<String, String> retire)
        implements DriveMXBean
    {
        private <T> T status(final Function<DriveStatus, T> field, final T none)
        {
            return snapshot.get().drive(id).map(field).orElse(none);
        }

        /** A figure of this node's I/O on the drive; zero for another node's drive (asking would make it an entry). */
        private long local(final java.util.function.ToLongFunction<DriveMetrics> figure)
        {
            final DriveMetrics io = metrics.drives().get(id);
            return io == null ? 0 : figure.applyAsLong(io);
        }

        private double localP99(final Function<DriveMetrics, Latency> latency)
        {
            final DriveMetrics io = metrics.drives().get(id);
            return io == null ? 0 : p99Millis(latency.apply(io));
        }

        @Override
        public String getId()
        {
            return id;
        }

        @Override
        public String getNode()
        {
            return status(d -> d.info().node(), "");
        }

        @Override
        public String getPath()
        {
            return status(d -> d.info().path(), "");
        }

        @Override
        public String getHealth()
        {
            return status(d -> d.health().name(), "UNKNOWN");
        }

        @Override
        public String getDetail()
        {
            return status(DriveStatus::detail, "");
        }

        @Override
        public long getCapacityBytes()
        {
            return status(d -> d.info().capacityBytes(), 0L);
        }

        @Override
        public long getAllocatedBytes()
        {
            return status(DriveStatus::allocatedBytes, 0L);
        }

        @Override
        public long getReads()
        {
            return local(io -> io.reads.sum());
        }

        @Override
        public long getWrites()
        {
            return local(io -> io.writes.sum());
        }

        @Override
        public long getBytesRead()
        {
            return local(io -> io.bytesRead.sum());
        }

        @Override
        public long getBytesWritten()
        {
            return local(io -> io.bytesWritten.sum());
        }

        @Override
        public long getIoErrors()
        {
            return local(io -> io.ioErrors.sum());
        }

        @Override
        public long getChecksumFailures()
        {
            return local(io -> io.checksumFailures.sum());
        }

        @Override
        public double getReadLatencyP99Millis()
        {
            return localP99(io -> io.readLatency);
        }

        @Override
        public double getWriteLatencyP99Millis()
        {
            return localP99(io -> io.writeLatency);
        }

        @Override
        public String retire(final String reason)
        {
            return retire.apply(reason == null || reason.isBlank() ? "retired by an administrator (JMX)" : reason);
        }
    }

    record Volume(String name, Supplier<PoolSnapshot> snapshot, MetricsRegistry metrics) implements VolumeMXBean
    {
        private <T> T info(final Function<VolumeInfo, T> field, final T none)
        {
            return snapshot.get().volume(name).map(field).orElse(none);
        }

        private VolumeMetrics io()
        {
            return metrics.volume(name);
        }

        @Override
        public String getName()
        {
            return name;
        }

        @Override
        public long getSizeBytes()
        {
            return info(VolumeInfo::sizeBytes, 0L);
        }

        @Override
        public String getResiliency()
        {
            return info(v -> v.resiliency().toString(), "");
        }

        @Override
        public String getProvisioning()
        {
            return info(v -> v.provisioning().toString(), "");
        }

        @Override
        public int getAttachments()
        {
            return info(v -> v.attachments().size(), 0);
        }

        @Override
        public long getReads()
        {
            return io().reads.sum();
        }

        @Override
        public long getWrites()
        {
            return io().writes.sum();
        }

        @Override
        public long getBytesRead()
        {
            return io().bytesRead.sum();
        }

        @Override
        public long getBytesWritten()
        {
            return io().bytesWritten.sum();
        }

        @Override
        public long getFailedRequests()
        {
            return io().failedRequests.sum();
        }

        @Override
        public double getReadLatencyP99Millis()
        {
            return p99Millis(io().readLatency);
        }

        @Override
        public double getWriteLatencyP99Millis()
        {
            return p99Millis(io().writeLatency);
        }

        @Override
        public long getQosNormalizedIos()
        {
            return io().qosNormalizedIos.sum();
        }

        @Override
        public double getQosThrottledSeconds()
        {
            return io().qosThrottledNanos.sum() / 1e9;
        }

        @Override
        public long getQosLimitIops()
        {
            return io().qosLimitIops.get();
        }
    }

    record Job(String id, Supplier<PoolSnapshot> snapshot) implements JobMXBean
    {
        private <T> T job(final Function<Jobs.Job, T> field, final T none)
        {
            return snapshot.get().job(id).map(field).orElse(none);
        }

        @Override
        public String getId()
        {
            return id;
        }

        @Override
        public String getType()
        {
            return job(Jobs.Job::type, "");
        }

        @Override
        public String getState()
        {
            return job(Jobs.Job::state, "GONE");
        }

        @Override
        public long getBytesTotal()
        {
            return job(Jobs.Job::bytesTotal, 0L);
        }

        @Override
        public long getBytesDone()
        {
            return job(Jobs.Job::bytesDone, 0L);
        }

        @Override
        public long getRate()
        {
            return job(Jobs.Job::rate, 0L);
        }

        @Override
        public String getDetail()
        {
            return job(Jobs.Job::detail, "");
        }
    }

    record Faults(Supplier<PoolSnapshot> snapshot) implements FaultsMXBean
    {
        @Override
        public int getCount()
        {
            return snapshot.get().faults().size();
        }

        @Override
        public String[] getFaults()
        {
            return snapshot.get().faults().stream()
                .map(f -> f.severity() + " " + f.kind() + " " + f.subject() + ": " + f.description())
                .toArray(String[]::new);
        }
    }
}
