package io.cistern.node.metrics;

import java.util.concurrent.atomic.LongAdder;

/** What this node's data server did on one of its drives: extent I/O, its latency and its failures. */
public final class DriveMetrics
{
    public final LongAdder reads = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();
    /** Blocks that failed their checksum when read. */
    public final LongAdder checksumFailures = new LongAdder();
    /** I/O the drive failed (each one fails the drive stop). */
    public final LongAdder ioErrors = new LongAdder();
    public final Latency readLatency = new Latency();
    public final Latency writeLatency = new Latency();
}
