package io.cistern.node.metrics;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution in microseconds (HdrHistogram, two significant digits, 1 µs to 60 s): many
 * threads record without locks or allocation, readers take a snapshot. Values beyond the range are
 * recorded as its top, so a stall shows instead of throwing on the data path.
 */
public final class Latency
{
    static final long HIGHEST_MICROS = 60_000_000L;

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(1, HIGHEST_MICROS, 2);

    /** Records one operation that took {@code nanos}. */
    public void recordNanos(final long nanos)
    {
        histogram.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1_000)));
    }

    /** A consistent copy to read percentiles, mean and count from. */
    public Histogram snapshot()
    {
        return histogram.copy();
    }
}
