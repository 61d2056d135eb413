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
    final LongAdder refusedConnections = new LongAdder();
    final LongAdder evictedHandshakes = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();

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

    /** Connections closed at once because the node had cistern.nbd.max-connections open. */
    public long refusedConnections()
    {
        return refusedConnections.sum();
    }

    /** Connections closed in the handshake to make room for a newer one (cistern.nbd.max-handshakes). */
    public long evictedHandshakes()
    {
        return evictedHandshakes.sum();
    }

    /** Connections closed for not finishing the handshake within cistern.nbd.handshake-timeout. */
    public long handshakeTimeouts()
    {
        return handshakeTimeouts.sum();
    }

    /** Connections ended for breaking the protocol: a bad magic, unknown client flags, an oversize option. */
    public long malformed()
    {
        return malformed.sum();
    }
}
