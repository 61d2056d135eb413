package io.cistern.node.frontend.nbd;

import java.util.concurrent.atomic.LongAdder;

/** What the NBD server has served and refused, counted rather than logged per request. */
public final class NbdCounters
{
    final LongAdder connections = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder malformed = new LongAdder();

    public long connections()
    {
        return connections.sum();
    }

    public long reads()
    {
        return reads.sum();
    }

    public long writes()
    {
        return writes.sum();
    }

    /** Requests the device failed (EIO and the like). */
    public long errors()
    {
        return errors.sum();
    }

    /** Well-formed requests refused before any I/O (out of range, too long, unknown command). */
    public long refused()
    {
        return refused.sum();
    }

    /** Connections ended for a request with a bad magic. */
    public long malformed()
    {
        return malformed.sum();
    }
}
