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
    private IdleStrategies()
    {
    }

    public static IdleStrategy of(final IdleStrategyName name)
    {
        return switch (name)
        {
            // Spins 10, yields 20, then parks from 1 µs up to 100 µs. Every hop of a block request waits
            // out at most one park on each side, so a 1 ms ceiling (Agrona's default) made an idle node
            // answer a 4 KiB write in ~2 ms; 100 µs costs ~10k wake-ups a second per idle thread.
            case BACKOFF -> new BackoffIdleStrategy(10, 20, 1_000, 100_000);
            case YIELDING -> new YieldingIdleStrategy();
            case SLEEPING -> new SleepingMillisIdleStrategy(1);
            case BUSY_SPIN -> new BusySpinIdleStrategy();
        };
    }
}
