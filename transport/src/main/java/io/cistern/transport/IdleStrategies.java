package io.cistern.transport;

import io.cistern.config.AeronSettings.IdleStrategyName;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/** Maps the configured idle strategy name to Agrona's implementation. */
public final class IdleStrategies
{
    /** How long a data-plane thread has nothing to do before it parks long. */
    static final long DEEP_AFTER_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
    /** How long it parks then: the first request after an idle spell waits up to this much per hop. */
    static final long DEEP_PARK_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2);

    private IdleStrategies()
    {
    }

    /**
     * The media driver's: as {@link #of}, but a backoff parks up to 100 µs while busy. The driver always has a
     * little to do (heartbeats and status messages of every stream, every ~100 ms), so it rarely idles long
     * enough to park deeply; with 20 µs parks its thread alone took ~6 % of a core on an idle node, with
     * 100 µs ~3 %.
     */
    public static IdleStrategy forMediaDriver(final IdleStrategyName name)
    {
        return name == IdleStrategyName.BACKOFF ?
            new DeepeningIdleStrategy(new BackoffIdleStrategy(1, 1, 1_000, 100_000), DEEP_AFTER_NS, DEEP_PARK_NS) : of(name);
    }

    public static IdleStrategy of(final IdleStrategyName name)
    {
        return switch (name)
        {
            // Spins once, yields once, then parks from 1 µs up to 20 µs. Every hop of a block request
            // waits out at most one park on each side, so a 1 ms ceiling (Agrona's default) made an idle
            // node answer a 4 KiB write in ~2 ms. A mirrored write wakes about a dozen parked threads in turn
            // (media drivers, servers, client); 20 µs instead of 100 µs took 4 KiB writes at queue depth 1
            // from 1,103 to 1,434 IOPS (bench/nbd-fio.sh, 2 cores, 3 nodes) and cost nothing at depth 32;
            // yielding instead got a median of 240 µs but a 13 ms p99, the threads fighting for 2 cores.
            // Few spins and yields because a node runs three such threads (media driver, data server,
            // data client) and a small host runs several nodes: with 10 spins and 20 yields they took the
            // CPU from each other under load. Measured on 2 cores, 3 nodes, warm: 4 KiB random writes at
            // queue depth 32 went from 3.6k to 4.0-4.2k IOPS, random reads from 18.6k to 26.7k.
            //
            // After 20 ms without work it parks 2 ms at a time (DeepeningIdleStrategy): an idle node's three
            // threads took 12% of a core with the 100 µs ceiling alone.
            case BACKOFF -> new DeepeningIdleStrategy(new BackoffIdleStrategy(1, 1, 1_000, 20_000), DEEP_AFTER_NS, DEEP_PARK_NS);
            case YIELDING -> new YieldingIdleStrategy();
            case SLEEPING -> new SleepingMillisIdleStrategy(1);
            case BUSY_SPIN -> new BusySpinIdleStrategy();
        };
    }
}
