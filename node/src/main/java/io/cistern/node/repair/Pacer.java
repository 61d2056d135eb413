package io.cistern.node.repair;

import java.util.concurrent.locks.LockSupport;

/** Keeps a repair at or under its bytes-a-second limit, so client I/O keeps its share. */
final class Pacer
{
    private Pacer()
    {
    }

    /** Sleeps off any lead that {@code bytes} done since {@code startedNs} has over {@code bytesPerSecond}. */
    static void pace(final long startedNs, final long bytes, final long bytesPerSecond)
    {
        final long ahead = startedNs + (long)(bytes * 1e9 / bytesPerSecond) - System.nanoTime();
        if (ahead > 0)
        {
            LockSupport.parkNanos(ahead);
        }
    }
}
