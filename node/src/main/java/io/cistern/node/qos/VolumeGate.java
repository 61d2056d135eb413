package io.cistern.node.qos;

import io.cistern.actors.qos.QosBook;
import io.cistern.node.metrics.VolumeMetrics;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One volume's way through this node's QoS: the allowance it is under now (its own, or one it shares with
 * the other volumes of an aggregated policy), and what it did, counted for the governor's reports and
 * the volume's metrics. Shared by every session of the volume on the node.
 */
final class VolumeGate
{
    /** How long a volume's first request waits for the coordinator's first word on it before it goes unlimited. */
    static final long FIRST_ALLOCATION_MILLIS = 1000;

    final long volumeId;
    final String volumeName;
    final AtomicInteger sessions = new AtomicInteger();
    private final VolumeMetrics metrics;
    private final CountDownLatch allocated = new CountDownLatch(1);
    private volatile RateBucket bucket = RateBucket.UNLIMITED;
    private volatile boolean waitedFirst;

    private final LongAdder ios = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder busyNanos = new LongAdder();
    private final LongAdder throttledNanos = new LongAdder();
    // What the last report had: read and written by the governor only.
    private long reportedIos;
    private long reportedBytes;
    private long reportedBusy;
    private long reportedThrottled;

    VolumeGate(final long volumeId, final String volumeName, final VolumeMetrics metrics)
    {
        this.volumeId = volumeId;
        this.volumeName = volumeName;
        this.metrics = metrics;
    }

    /** Waits until {@code normalizedIos} and {@code length} bytes may go. */
    void admit(final long normalizedIos, final long length)
    {
        if (!waitedFirst)
        {
            awaitFirstAllocation();
        }
        final long waited = bucket.reserve(normalizedIos, length);
        ios.add(normalizedIos);
        bytes.add(length);
        metrics.qosNormalizedIos.add(normalizedIos);
        if (waited > 0)
        {
            throttledNanos.add(waited);
            metrics.qosThrottledNanos.add(waited);
        }
    }

    /** A request that arrived at {@code arrivedNanos} was answered. */
    void done(final long arrivedNanos)
    {
        busyNanos.add(System.nanoTime() - arrivedNanos);
    }

    private void awaitFirstAllocation()
    {
        try
        {
            // Until the coordinator has split the volume's limits with this node, its I/O could take more than
            // its share; a moment's wait, once. A coordinator that cannot be asked does not stop the I/O.
            allocated.await(FIRST_ALLOCATION_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        waitedFirst = true;
    }

    void allocate(final RateBucket next)
    {
        bucket = next;
        metrics.qosLimitIops.set(Math.round(next.iopsPerSecond()));
        allocated.countDown();
    }

    RateBucket bucket()
    {
        return bucket;
    }

    /** What it did since the last report (governor only). */
    QosBook.VolumeUsage sample()
    {
        final long i = ios.sum();
        final long b = bytes.sum();
        final long busy = busyNanos.sum();
        final long throttled = throttledNanos.sum();
        final QosBook.VolumeUsage usage = new QosBook.VolumeUsage(volumeId, volumeName, i - reportedIos, b - reportedBytes,
            busy - reportedBusy, throttled - reportedThrottled);
        reportedIos = i;
        reportedBytes = b;
        reportedBusy = busy;
        reportedThrottled = throttled;
        return usage;
    }
}
