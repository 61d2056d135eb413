package io.cistern.node.perf;

import io.cistern.node.metrics.DriveMetrics;
import io.cistern.node.metrics.VolumeMetrics;
import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * Turns the metrics registry's counters into a sample: per-second rates over the interval since the last
 * reading. Latency is kept as its sum (microseconds per second), not its mean, so that samples of one
 * volume served through several nodes add up, and the mean is the sum over the operations
 * ({@link #LATENCY_OF}). Pure, apart from reading the counters.
 */
final class PerfSampler
{
    /** What an archive stores, in order. */
    static final List<String> STORED = List.of("read.iops", "write.iops", "read.bytes", "write.bytes", "read.latency.sum",
        "write.latency.sum", "checksum.errors");
    /** Where in {@link #STORED} (and in a sample) each series is. */
    static final int READS = 0;
    static final int WRITES = 1;
    static final int READ_LATENCY = 4;
    static final int WRITE_LATENCY = 5;
    static final int CHECKSUM_ERRORS = 6;
    /** For each stored latency sum, the operations it is the sum over. */
    static final int[] LATENCY_OF = {-1, -1, -1, -1, 0, 1, -1};

    private PerfSampler()
    {
    }

    /** A reading of an object's counters since its metrics were made. */
    record Counters(long reads, long writes, long bytesRead, long bytesWritten, double readMicros, double writeMicros,
                    long checksumErrors)
    {
        static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0);

        Counters plus(final Counters other)
        {
            return new Counters(reads + other.reads, writes + other.writes, bytesRead + other.bytesRead,
                bytesWritten + other.bytesWritten, readMicros + other.readMicros, writeMicros + other.writeMicros,
                checksumErrors + other.checksumErrors);
        }
    }

    static Counters of(final VolumeMetrics volume)
    {
        return new Counters(volume.reads.sum(), volume.writes.sum(), volume.bytesRead.sum(), volume.bytesWritten.sum(),
            total(volume.readLatency.snapshot()), total(volume.writeLatency.snapshot()), volume.checksumFailures.sum());
    }

    static Counters of(final DriveMetrics drive)
    {
        return new Counters(drive.reads.sum(), drive.writes.sum(), drive.bytesRead.sum(), drive.bytesWritten.sum(),
            total(drive.readLatency.snapshot()), total(drive.writeLatency.snapshot()), drive.checksumFailures.sum());
    }

    private static double total(final Histogram latency)
    {
        return latency.getMean() * latency.getTotalCount();
    }

    /**
     * Per-second rates of every stored series between two readings {@code seconds} apart. A counter that went
     * back (the volume was deleted and made again) counts from zero.
     */
    static double[] rates(final Counters before, final Counters now, final double seconds)
    {
        final Counters from = now.reads < before.reads || now.writes < before.writes ? Counters.ZERO : before;
        return new double[] {
            (now.reads - from.reads) / seconds,
            (now.writes - from.writes) / seconds,
            (now.bytesRead - from.bytesRead) / seconds,
            (now.bytesWritten - from.bytesWritten) / seconds,
            Math.max(0, now.readMicros - from.readMicros) / seconds,
            Math.max(0, now.writeMicros - from.writeMicros) / seconds,
            Math.max(0, now.checksumErrors - from.checksumErrors) / seconds};
    }
}
