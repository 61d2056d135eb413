package io.cistern.transport;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One preallocated in-flight slot of a {@link DataClient}: the request's header buffer, where a READ's
 * answer goes, and a single atomic word that says who owns the slot.
 * <p>
 * The word holds the correlation id being awaited, or {@link #FREE}, {@link #COMPLETING} or {@link #DONE}.
 * Both the reply path ({@link #claim}) and the caller's timeout ({@link #disarm}) compare-and-set it from
 * that exact correlation id, so exactly one of them wins: a reply that loses has arrived late and never
 * touches the caller's buffer, and a caller that loses waits the few microseconds until the reply is
 * copied in. Correlation ids carry the slot index in their low bits and a per-slot generation above it,
 * so a late reply can never match the slot's next request.
 */
final class PendingRequest
{
    static final long FREE = 0;
    static final long COMPLETING = -1;
    static final long DONE = -2;

    private final int index;
    private final int indexBits;
    private final AtomicLong state = new AtomicLong(FREE);
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[DataFrame.HEADER_LENGTH]);
    private final DataFrameEncoder encoder = new DataFrameEncoder().wrap(header, 0);
    // Seeded from the wall clock so that a restarted client does not reuse its predecessor's recent ids.
    private long generation = System.currentTimeMillis();

    // Written by the owning caller before arm(), read by the completer after claim().
    private Thread waiter;
    private int expectedType;
    private int expectedLength;
    private MutableDirectBuffer dst;
    private int dstOffset;
    // Written by the completer before DONE, read by the caller after it sees DONE.
    private int status;

    PendingRequest(final int index, final int indexBits)
    {
        this.index = index;
        this.indexBits = indexBits;
    }

    UnsafeBuffer header()
    {
        return header;
    }

    DataFrameEncoder encoder()
    {
        return encoder;
    }

    long nextCorrelationId()
    {
        return (++generation << indexBits) | index;
    }

    void expect(final int replyType, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        this.expectedType = replyType;
        this.expectedLength = length;
        this.dst = dst;
        this.dstOffset = dstOffset;
    }

    int expectedType()
    {
        return expectedType;
    }

    int expectedLength()
    {
        return expectedLength;
    }

    MutableDirectBuffer dst()
    {
        return dst;
    }

    int dstOffset()
    {
        return dstOffset;
    }

    long state()
    {
        return state.get();
    }

    int status()
    {
        return status;
    }

    /** The caller starts waiting for {@code correlationId}; publishes the fields set before. */
    void arm(final long correlationId)
    {
        waiter = Thread.currentThread();
        state.set(correlationId);
    }

    /** The caller gives up (timeout or not sent); false if a reply or close got there first. */
    boolean disarm(final long correlationId)
    {
        return state.compareAndSet(correlationId, FREE);
    }

    /** A reply (or close) takes the slot; false if the request is no longer waiting for it. */
    boolean claim(final long correlationId)
    {
        return correlationId > 0 && state.compareAndSet(correlationId, COMPLETING);
    }

    /** After a successful {@link #claim}: hand the status to the caller and wake it. */
    void complete(final int status)
    {
        this.status = status;
        final Thread waiter = this.waiter;
        state.set(DONE);
        LockSupport.unpark(waiter);
    }

    /** The caller is done with the slot; it may be handed to the next request. */
    void release()
    {
        dst = null;
        waiter = null;
        state.set(FREE);
    }
}
