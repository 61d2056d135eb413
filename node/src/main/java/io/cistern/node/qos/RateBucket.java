package io.cistern.node.qos;

import java.util.concurrent.locks.LockSupport;

/**
 * One allowance on this node: normalised I/Os per second and bytes per second, enforced by the
 * generic cell rate algorithm (a theoretical arrival time per dimension, no timer thread): each request
 * moves the time the allowance is next free on by its cost, and waits while that time is more than a
 * short burst ahead of now. Requests of every thread that share the allowance queue in the order they
 * reserved. Allocation-free; the lock is held for a few arithmetic operations.
 * <p>
 * The rates change as the coordinator re-splits the cluster-wide limit ({@link #setRates}); a request
 * already waiting keeps the slot it reserved.
 */
final class RateBucket
{
    /** How far ahead of now the allowance may be spent: a burst of this long at the full rate is let through. */
    static final long BURST_NANOS = 20_000_000L;

    /** No limit: {@link #reserve} returns at once, without the lock. */
    static final RateBucket UNLIMITED = new RateBucket(0, 0);

    private volatile boolean limited;
    private double nanosPerIo;
    private double nanosPerByte;
    private long ioFree;
    private long byteFree;
    private double iopsPerSecond;
    private double bytesPerSecond;

    RateBucket(final double iopsPerSecond, final double bytesPerSecond)
    {
        // nanoTime may be negative: the free times start at now, never at zero.
        ioFree = System.nanoTime();
        byteFree = ioFree;
        setRates(iopsPerSecond, bytesPerSecond);
    }

    /** Zero for either: no limit on it. */
    synchronized void setRates(final double iopsPerSecond, final double bytesPerSecond)
    {
        this.iopsPerSecond = iopsPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        nanosPerIo = iopsPerSecond > 0 ? 1e9 / iopsPerSecond : 0;
        nanosPerByte = bytesPerSecond > 0 ? 1e9 / bytesPerSecond : 0;
        limited = nanosPerIo > 0 || nanosPerByte > 0;
    }

    synchronized double iopsPerSecond()
    {
        return iopsPerSecond;
    }

    synchronized double bytesPerSecond()
    {
        return bytesPerSecond;
    }

    boolean limited()
    {
        return limited;
    }

    /**
     * Takes {@code ios} normalised I/Os and {@code bytes} from the allowance, waiting until they may go.
     *
     * @return how long the caller waited, in nanoseconds.
     */
    long reserve(final long ios, final long bytes)
    {
        if (!limited)
        {
            return 0;
        }
        final long now = System.nanoTime();
        final long goAt;
        synchronized (this)
        {
            long at = now;
            if (nanosPerIo > 0)
            {
                ioFree = Math.max(ioFree - now, 0) + now + (long)(ios * nanosPerIo);
                at = Math.max(at, ioFree - BURST_NANOS);
            }
            if (nanosPerByte > 0)
            {
                byteFree = Math.max(byteFree - now, 0) + now + (long)(bytes * nanosPerByte);
                at = Math.max(at, byteFree - BURST_NANOS);
            }
            goAt = at;
        }
        long wait = goAt - now;
        if (wait <= 0)
        {
            return 0;
        }
        while (wait > 0)
        {
            LockSupport.parkNanos(wait);
            wait = goAt - System.nanoTime();
        }
        return System.nanoTime() - now;
    }
}
