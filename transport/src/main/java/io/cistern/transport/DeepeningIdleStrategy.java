package io.cistern.transport;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * An idle strategy that is quick while there is traffic and cheap when there is none: it idles with
 * {@code shallow} (short parks, so a request waits microseconds for the thread) until it has had nothing
 * to do for {@code deepAfterNs}, then parks {@code deepParkNs} at a time until work comes again. Under
 * load, even at queue depth 1, the gaps between requests are far shorter than {@code deepAfterNs}, so
 * latency is the shallow strategy's; an idle node wakes each thread a few hundred times a second instead
 * of ten thousand. Not thread-safe: one per agent thread, like Agrona's own.
 */
public final class DeepeningIdleStrategy implements IdleStrategy
{
    private final IdleStrategy shallow;
    private final long deepAfterNs;
    private final long deepParkNs;
    private long idleSinceNs;
    private boolean idling;

    public DeepeningIdleStrategy(final IdleStrategy shallow, final long deepAfterNs, final long deepParkNs)
    {
        this.shallow = shallow;
        this.deepAfterNs = deepAfterNs;
        this.deepParkNs = deepParkNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (!idling)
        {
            idling = true;
            idleSinceNs = System.nanoTime();
        }
        else if (System.nanoTime() - idleSinceNs > deepAfterNs)
        {
            LockSupport.parkNanos(deepParkNs);
            return;
        }
        shallow.idle();
    }

    @Override
    public void reset()
    {
        idling = false;
        shallow.reset();
    }

    @Override
    public String alias()
    {
        return "deepening";
    }
}
