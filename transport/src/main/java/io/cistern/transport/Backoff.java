package io.cistern.transport;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits between retries of something that will succeed soon (a full stream, a publication
 * still connecting, a free in-flight slot): spin briefly, then yield, then park for growing intervals up
 * to 1 ms. On a 2-core machine a retry loop that only spins would take the core the media driver needs
 * to make room, so the wait backs off to parking quickly.
 */
final class Backoff
{
    private static final int SPINS = 16;
    private static final int YIELDS = 32;
    private static final long MIN_PARK_NS = 1_000L;
    private static final long MAX_PARK_NS = 1_000_000L;

    private Backoff()
    {
    }

    /**
     * @param attempt how many times the caller has already retried, from zero.
     */
    static void pause(final int attempt)
    {
        if (attempt < SPINS)
        {
            Thread.onSpinWait();
        }
        else if (attempt < YIELDS)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(Math.min(MIN_PARK_NS << Math.min(attempt - YIELDS, 10), MAX_PARK_NS));
        }
    }
}
