package io.cistern.node.data;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices that this process stood still: SIGSTOP, a long GC pause, a frozen VM. While it stood, other
 * nodes may have marked its copies stale and fenced it, and its layout table may say otherwise; so after a
 * pause the table distrusts what it knew until the journal confirms it (docs/architecture.md,
 * Invariants). A thread ticks every {@link #TICK_NS}; a gap longer than {@link #PAUSE_NS} is a pause. The
 * data path also calls {@link #checkNow()} before it trusts the table, so a request served the moment the
 * process resumes cannot slip in before the pause is reported.
 */
public final class PauseWatch implements AutoCloseable
{
    static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Shorter than the fastest way a live node's copy gets marked stale (a 3.75 s forward deadline; a peer counts as gone after 5 s). */
    static final long PAUSE_NS = TimeUnit.SECONDS.toNanos(1);

    private final Runnable onPause;
    private final Thread thread;
    private volatile long lastTick = System.nanoTime();
    private volatile boolean running = true;

    public PauseWatch(final Runnable onPause)
    {
        this.onPause = onPause;
        this.thread = new Thread(this::watch, "pause-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Reports a pause the watch thread has not reported yet, before the data path trusts the table: the
     * request served the moment the process resumes waits for the report (the table distrusted, its
     * confirmation asked for). Each pause is reported once, by whichever thread notices it first.
     *
     * @return whether the process had just stood still.
     */
    public boolean checkNow()
    {
        final long now = System.nanoTime();
        if (now - lastTick > PAUSE_NS)
        {
            report(now);
            return true;
        }
        return false;
    }

    private synchronized void report(final long now)
    {
        if (now - lastTick > PAUSE_NS)
        {
            onPause.run();
            lastTick = now;
        }
    }

    private void watch()
    {
        while (running)
        {
            LockSupport.parkNanos(TICK_NS);
            final long now = System.nanoTime();
            if (now - lastTick > PAUSE_NS)
            {
                report(now);
            }
            else
            {
                lastTick = now;
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
    }
}
