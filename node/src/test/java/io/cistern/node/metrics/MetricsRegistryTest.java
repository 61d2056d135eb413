package io.cistern.node.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsRegistryTest
{
    @Test
    void aVolumeOrDriveHasOneSetOfMetricsAndTheNodeSumsTheVolumes()
    {
        final MetricsRegistry registry = new MetricsRegistry();
        assertSame(registry.volume("a"), registry.volume("a"));
        assertSame(registry.drive("d1"), registry.drive("d1"));
        registry.volume("a").bytesWritten.add(4096);
        registry.volume("b").bytesWritten.add(8192);
        registry.volume("b").bytesRead.add(100);
        registry.volume("a").failedRequests.increment();
        assertEquals(12288, registry.bytesWritten());
        assertEquals(100, registry.bytesRead());
        assertEquals(1, registry.failedRequests());
        registry.forgetVolume("a");
        assertEquals(8192, registry.bytesWritten());
        assertEquals(1, registry.drives().size());
    }

    @Test
    void latenciesAreKeptInMicrosecondsWithTwoSignificantDigits()
    {
        final Latency latency = new Latency();
        for (int i = 1; i <= 100; i++)
        {
            latency.recordNanos(TimeUnit.MICROSECONDS.toNanos(i * 10L));
        }
        final Histogram snapshot = latency.snapshot();
        assertEquals(100, snapshot.getTotalCount());
        final long p50 = snapshot.getValueAtPercentile(50);
        assertTrue(p50 >= 495 && p50 <= 505, "p50 " + p50);
        final long p99 = snapshot.getValueAtPercentile(99);
        assertTrue(p99 >= 985 && p99 <= 1000, "p99 " + p99);
    }

    @Test
    void aStallBeyondTheRangeIsRecordedAsItsTopAndATinyOneAsOneMicrosecond()
    {
        final Latency latency = new Latency();
        latency.recordNanos(TimeUnit.MINUTES.toNanos(10));
        latency.recordNanos(5);
        final Histogram snapshot = latency.snapshot();
        assertEquals(2, snapshot.getTotalCount());
        assertTrue(snapshot.getMaxValue() >= Latency.HIGHEST_MICROS * 99 / 100, "max " + snapshot.getMaxValue());
        assertEquals(1, snapshot.getMinValue());
    }
}
