package io.cistern.node.perf;

import io.cistern.actors.perf.Perf;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PerfSeriesTest
{
    private static Perf.History history(final String node, final long time, final double... stored)
    {
        final ArrayList<Double> values = new ArrayList<>();
        for (final double value : stored)
        {
            values.add(value);
        }
        return new Perf.History(node, "volume/vol1", new ArrayList<>(PerfSampler.STORED),
            new ArrayList<>(List.of(new Perf.Point(time, values))));
    }

    @Test
    void nodesAddUpAndLatencyIsTheSumOverTheOperations()
    {
        // node-1: 100 reads/s at 200 us each; node-2: 300 reads/s at 1000 us each, and writes.
        final TreeMap<Long, Map<String, Double>> combined = PerfSeries.combine(List.of(
            history("node-1", 60, 100, 0, 409_600, 0, 100 * 200.0, 0, 0),
            history("node-2", 60, 300, 50, 1_228_800, 204_800, 300 * 1000.0, 50 * 400.0, 0),
            history("node-3", 70, 1, 0, 4096, 0, 10, 0, 0)), PerfSeries.NAMES);
        assertEquals(List.of(60L, 70L), new ArrayList<>(combined.keySet()));
        final Map<String, Double> at60 = combined.get(60L);
        assertEquals(400.0, at60.get("read.iops"));
        assertEquals(1_638_400.0, at60.get("read.bytes"));
        assertEquals(800.0, at60.get("read.latency"), 1e-9, "(100 x 200 + 300 x 1000) / 400");
        assertEquals(400.0, at60.get("write.latency"), 1e-9);
        assertEquals(0.0, combined.get(70L).get("write.latency"), "no writes: no latency, not NaN");
    }

    @Test
    void onlyTheAskedSeriesInTheirOrder()
    {
        final TreeMap<Long, Map<String, Double>> combined = PerfSeries.combine(List.of(history("node-1", 0, 1, 2, 3, 4, 5, 6, 7)),
            PerfSeries.parse("write.bytes,read.iops"));
        assertEquals(List.of("write.bytes", "read.iops"), new ArrayList<>(combined.get(0L).keySet()));
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PerfSeries.parse("read.iops,reads"));
        assertEquals("no series 'reads'; the series are read.iops, write.iops, read.bytes, write.bytes, read.latency, write.latency, " +
            "checksum.errors",
            bad.getMessage());
    }

    @Test
    void theResolutionIsTheFinestTierThatHoldsTheWindow()
    {
        assertEquals(10, PerfSeries.resolutionFor(Duration.ofMinutes(10)));
        assertEquals(10, PerfSeries.resolutionFor(Duration.ofHours(1)));
        assertEquals(300, PerfSeries.resolutionFor(Duration.ofHours(2)));
        assertEquals(300, PerfSeries.resolutionFor(Duration.ofDays(1)));
        assertEquals(3600, PerfSeries.resolutionFor(Duration.ofDays(30)));
        assertEquals(Duration.ofDays(30), PerfSeries.longest());
    }

    @Test
    void samplerRatesAreDeltasOverTheInterval()
    {
        final PerfSampler.Counters before = new PerfSampler.Counters(100, 10, 409_600, 40_960, 1000, 500, 1);
        final PerfSampler.Counters now = new PerfSampler.Counters(200, 30, 819_200, 122_880, 3000, 1500, 3);
        final double[] rates = PerfSampler.rates(before, now, 10);
        assertEquals(10.0, rates[0]);
        assertEquals(2.0, rates[1]);
        assertEquals(40_960.0, rates[2]);
        assertEquals(200.0, rates[4]);
        assertEquals(0.2, rates[6], 1e-9, "checksum errors per second");
        final double[] reset = PerfSampler.rates(now, before, 10);
        assertEquals(10.0, reset[0], "a counter that went back counts from zero");
    }
}
