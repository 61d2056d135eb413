package io.cistern.node.data;

import java.util.concurrent.atomic.LongAdder;

/** What the volume front ends of this node did that an administrator wants to know about. */
public final class FrontEndCounters
{
    final LongAdder directReads = new LongAdder();
    final LongAdder checksumFailures = new LongAdder();
    final LongAdder healedRanges = new LongAdder();
    final LongAdder staleLayouts = new LongAdder();
    final LongAdder failedRequests = new LongAdder();
    final LongAdder staleMarks = new LongAdder();

    /** Reads answered straight from an extent file on this node, without a data-plane round trip. */
    public long directReads()
    {
        return directReads.sum();
    }

    /** Reads that met a copy failing its checksum. */
    public long checksumFailures()
    {
        return checksumFailures.sum();
    }

    /** Ranges rewritten on a bad copy from a good one. */
    public long healedRanges()
    {
        return healedRanges.sum();
    }

    /** Requests refused by a data server for a stale layout epoch, then retried. */
    public long staleLayouts()
    {
        return staleLayouts.sum();
    }

    /** Writes whose missed copies were marked stale before the write was acknowledged (degraded writes). */
    public long staleMarks()
    {
        return staleMarks.sum();
    }

    /** Requests answered with an error to the client. */
    public long failedRequests()
    {
        return failedRequests.sum();
    }
}
