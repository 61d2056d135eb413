package io.cistern.node.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a volume's I/O through this node did: operations, bytes and latency as clients saw them, and the
 * data path's notable events (degraded writes, heals, direct reads). Fed by the volume I/O core, read by
 * the management layer; counters, never log lines, per I/O.
 */
public final class VolumeMetrics
{
    public final LongAdder reads = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder flushes = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();
    /** Requests answered with an error to the client. */
    public final LongAdder failedRequests = new LongAdder();
    public final Latency readLatency = new Latency();
    public final Latency writeLatency = new Latency();
    public final Latency flushLatency = new Latency();

    /** Reads answered straight from an extent file on this node, without a data-plane round trip. */
    public final LongAdder directReads = new LongAdder();
    /** Reads that met a copy failing its checksum. */
    public final LongAdder checksumFailures = new LongAdder();
    /** Ranges rewritten on a bad copy from a good one. */
    public final LongAdder healedRanges = new LongAdder();
    /** Requests refused by a data server for a stale layout epoch, then retried. */
    public final LongAdder staleLayouts = new LongAdder();
    /** Copies marked stale because they missed a write or a flush (degraded writes). */
    public final LongAdder staleMarks = new LongAdder();
    /** Writes sent again because so many copies missed them that marking those would have left no majority. */
    public final LongAdder quorumRetries = new LongAdder();

    /** Storage QoS: normalised I/Os let through (a 64 KiB request counts 8 at the default 8 KiB unit). */
    public final LongAdder qosNormalizedIos = new LongAdder();
    /** Storage QoS: the time requests waited for the volume's allowance, summed over requests. */
    public final LongAdder qosThrottledNanos = new LongAdder();
    /** Storage QoS: this node's share of the volume's IOPS allowance now; 0 when it has none. */
    public final java.util.concurrent.atomic.AtomicLong qosLimitIops = new java.util.concurrent.atomic.AtomicLong();
}
