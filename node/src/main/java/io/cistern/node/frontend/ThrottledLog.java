package io.cistern.node.frontend;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning that a flood of clients could repeat thousands of times a second: logged at once the first
 * time, then at most once per interval with how many were not logged meanwhile. The counters keep the
 * exact figures.
 */
public final class ThrottledLog
{
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);

    private final Logger log;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledLog(final Logger log)
    {
        this.log = log;
    }

    public void warn(final String format, final Object... arguments)
    {
        final long now = System.nanoTime();
        final long due = nextAt.get();
        if ((due != Long.MIN_VALUE && now - due < 0) || !nextAt.compareAndSet(due, now + INTERVAL_NS))
        {
            suppressed.incrementAndGet();
            return;
        }
        final long skipped = suppressed.getAndSet(0);
        log.warn(skipped == 0 ? format : format + " (" + skipped + " more like it since the last such line)", arguments);
    }
}
