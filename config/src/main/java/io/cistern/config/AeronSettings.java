package io.cistern.config;

import java.nio.file.Path;

/**
 * The node's embedded Aeron media driver and data-plane endpoint.
 *
 * @param port          UDP port of the node's data server.
 * @param directory     the media driver's directory; deleted and recreated at start.
 * @param idleStrategy  how the driver's duty cycle waits when there is no work.
 * @param threadingMode how many threads the driver uses.
 */
public record AeronSettings(int port, Path directory, IdleStrategyName idleStrategy, ThreadingMode threadingMode)
{
    public enum IdleStrategyName
    {
        /** Spin, yield, then park with growing back-off: the default, kind to a 2-core machine. */
        BACKOFF,
        /** Yield the core every idle cycle: lower latency for about one core of CPU. */
        YIELDING,
        /** Park for 1 ms every idle cycle: lowest CPU, highest latency. */
        SLEEPING,
        /** Never let go of the core: only for machines with cores to spare. */
        BUSY_SPIN
    }

    public enum ThreadingMode
    {
        SHARED,
        SHARED_NETWORK,
        DEDICATED
    }
}
