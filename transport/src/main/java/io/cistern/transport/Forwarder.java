package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;


import static io.cistern.transport.DataFrame.FLAG_PEER;
import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataFrame.PAYLOAD_OFFSET;
import static io.cistern.transport.DataStatus.MALFORMED;
import static io.cistern.transport.DataStatus.NOT_CONNECTED;
import static io.cistern.transport.DataStatus.OK;
import static io.cistern.transport.DataStatus.STALE_EPOCH;
import static io.cistern.transport.DataStatus.TIMEOUT;

/**
 * The primary's half of a data server: it carries the writes a primary has sequenced to the slab's other
 * copies, gathers their answers and then lets the {@link DataServer} answer the front end (DESIGN
 * section 4: each slab's writes are sequenced by its primary's server).
 * <p>
 * Order is the point. A server takes its requests one at a time; for a slab it is primary of, it writes
 * its own copy and offers the same write to each other copy's server on one exclusive publication per
 * server, so each copy receives the slab's writes in the order the primary took them, whichever front
 * ends sent them. Repairs go the same way, so a repair cannot slip in between two writes either.
 * <p>
 * Nothing here waits. A forwarded frame that a peer's stream cannot take yet is kept in one stuck
 * buffer and retried on every duty cycle, and while one is stuck the servers take no new requests (see
 * {@link #isStuck()}); the peers' replies are polled regardless. So two primaries forwarding to each
 * other cannot deadlock: each keeps draining the other's replies, and its own requests wait in Aeron's
 * stream, which pushes back on the front ends. Every forwarded request has a deadline, shorter than the
 * front end's own, after which it is answered {@link DataStatus#TIMEOUT}.
 * <p>
 * Owned by the thread that runs the node's data servers, as an {@link Agent} beside them; not thread-safe.
 */
public final class Forwarder implements Agent, AutoCloseable
{
    /** What a forwarded request was for: a mirrored write, a repair's write, or a repair's fetch of good bytes. */
    static final int MIRROR = 1;
    static final int REPAIR_WRITE = 2;
    static final int REPAIR_FETCH = 3;
    /**
     * How often in-flight requests are checked against their deadlines (seconds away): a scan of every
     * slot each millisecond was the server thread's largest cost under random writes.
     */
    private static final long DEADLINE_CHECK_INTERVAL_NS = 20_000_000;

    private final Aeron aeron;
    private final int clientId;
    private final DataPlaneSettings settings;
    private final long timeoutNs;
    private final ErrorHandler errorHandler;
    private final Subscription replies;
    private final FragmentAssembler assembler;
    private final DataFrameDecoder reply = new DataFrameDecoder();
    private final DataFrameEncoder encoder = new DataFrameEncoder();
    private final UnsafeBuffer header = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(BitUtil.CACHE_LINE_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final PeerPublications publications;
    private final ForwardedRequest[] pending;
    private final int[] free;
    private final int indexMask;
    private final int indexBits;
    private int freeCount;
    private int fetches;
    private long nextDeadlineCheck;
    private long lateReplies;
    private volatile long stalls;

    private final StuckForward stuck;
    private boolean closed;

    /**
     * @param clientId     the id peers answer to: this node's, resolved by their {@link ReplyChannels}.
     * @param replyChannel this node's channel; peers' replies arrive on it on the peer reply stream.
     */
    public Forwarder(
        final Aeron aeron,
        final int clientId,
        final String replyChannel,
        final DataPlaneSettings settings,
        final ErrorHandler errorHandler)
    {
        this.aeron = aeron;
        this.clientId = clientId;
        this.settings = settings;
        // A quarter of the front end's deadline is left for the answer to reach it.
        this.timeoutNs = settings.requestTimeoutNs() - settings.requestTimeoutNs() / 4;
        this.errorHandler = errorHandler;
        this.publications = new PeerPublications(aeron, settings.requestStreamId(), errorHandler);
        final int slots = Math.min(DataPlaneSettings.MAX_IN_FLIGHT_LIMIT, settings.maxInFlight() * 4);
        this.indexBits = Integer.numberOfTrailingZeros(slots);
        this.indexMask = slots - 1;
        this.pending = new ForwardedRequest[slots];
        this.free = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            pending[i] = new ForwardedRequest(i);
            free[freeCount++] = slots - 1 - i;
        }
        this.stuck = new StuckForward(settings.maxPayloadLength(), publications, this::answered);
        this.assembler = new FragmentAssembler(this::onReply);
        this.replies = aeron.addSubscription(replyChannel, settings.peerReplyStreamId());
    }

    @Override
    public String roleName()
    {
        return "forwarder";
    }

    /**
     * Opens the stream to a peer's server ahead of the first forward to it (on this agent's thread, soon):
     * setting a UDP stream up takes a round trip and the peer's log buffers, and a first write under load
     * that waited for that could run out its deadline and mark a live copy stale. Safe from any thread;
     * a channel that does not fit the queue is opened by its first forward instead.
     */
    public void connect(final String peerServerChannel)
    {
        publications.connect(peerServerChannel);
    }

    /** While a forwarded frame waits for room, the data servers take no new requests. */
    public boolean isStuck()
    {
        return stuck.isStuck();
    }

    /** Replies that came after their request was answered (timed out) or matched none. */
    public long lateReplies()
    {
        return lateReplies;
    }

    /** Times a forwarded frame found no room in a peer's stream and held the servers up until it had. */
    public long stalls()
    {
        return stalls;
    }

    @Override
    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        int work = replies.poll(assembler, settings.fragmentLimit());
        work += publications.openAsked();
        if (stuck.isStuck())
        {
            work += stuck.retry();
        }
        final long now = System.nanoTime();
        if (freeCount < pending.length && now - nextDeadlineCheck >= 0)
        {
            nextDeadlineCheck = now + DEADLINE_CHECK_INTERVAL_NS;
            work += expire(now);
        }
        return work;
    }

    @Override
    public void onClose()
    {
        close();
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            publications.close();
            CloseHelper.quietClose(replies);
        }
    }

    /** A free in-flight slot, or null when all are taken (the server answers BACK_PRESSURED). */
    ForwardedRequest acquire()
    {
        if (freeCount == 0 || closed)
        {
            return null;
        }
        final ForwardedRequest p = pending[free[--freeCount]];
        p.generation++;
        p.forwardId = (p.generation << indexBits) | p.index;
        p.inUse = true;
        return p;
    }

    /** Gives back a slot that was acquired and never sent with. */
    void release(final ForwardedRequest p)
    {
        if (p.inUse)
        {
            p.inUse = false;
            p.origin = null;
            p.target = null;
            if (p.kind == REPAIR_FETCH)
            {
                fetches--;
            }
            free[freeCount++] = p.index;
        }
    }

    /**
     * Arms a slot for {@code peers} forwarded requests. Until {@link #sent} the slot holds one answer back,
     * so a peer that fails at once cannot complete it while its other peers are still being sent to.
     */
    void begin(final ForwardedRequest p, final int kind, final DataServer origin, final ReplyPublications.Target target,
               final DataFrameDecoder request, final int peers)
    {
        p.kind = kind;
        p.origin = origin;
        p.target = target;
        p.type = request.type();
        p.flags = request.flags();
        p.correlationId = request.correlationId();
        p.clientId = request.clientId();
        p.volumeId = request.volumeId();
        p.slab = request.slab();
        p.copy = request.copy();
        p.epoch = request.epoch();
        p.offset = request.extentOffset();
        p.length = request.length();
        p.remaining = peers + 1;
        p.status = OK;
        p.asked = 0;
        p.confirmed = 0;
        p.missed = 0;
        p.epochMismatch = false;
        p.disturbed = false;
        p.failed = 0;
        p.inSyncMask = 0;
        p.deadlineNs = System.nanoTime() + timeoutNs;
        if (kind == REPAIR_FETCH)
        {
            fetches++;
        }
    }

    /**
     * Forwards one request of the slot to a peer: a WRITE with {@code payload}, or (payload null) a READ of
     * the slot's range. A peer that cannot be reached counts as answered with the failure.
     */
    void send(final ForwardedRequest p, final int type, final int flags, final int peerCopy, final String channel,
              final DirectBuffer payload, final int payloadOffset)
    {
        p.asked |= 1 << peerCopy;
        final ExclusivePublication publication = publications.get(channel);
        if (publication == null)
        {
            answered(p, peerCopy, NOT_CONNECTED);
            return;
        }
        final int payloadLength = payload == null ? 0 : p.length;
        encoder.wrap(header, 0)
            .type(type)
            .flags(flags | FLAG_PEER)
            .status(OK)
            .correlationId(p.forwardId)
            .clientId(clientId)
            .volumeId(p.volumeId)
            .slab(p.slab)
            .copy(peerCopy)
            .epoch(p.epoch)
            .extentOffset(p.offset)
            .length(p.length);
        if (stuck.isStuck())
        {
            stuck.add(publication, peerCopy);
            return;
        }
        final long result = payload == null ?
            publication.offer(header, 0, HEADER_LENGTH) :
            publication.offer(header, 0, HEADER_LENGTH, payload, payloadOffset, payloadLength);
        if (result > 0)
        {
            publications.tookFrame(publication);
            return;
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || publications.lost(publication, result))
        {
            // A peer that is gone misses the write now rather than holding the server up until the deadline:
            // every other request, and every other copy's forwards, would wait behind it.
            answered(p, peerCopy, NOT_CONNECTED);
            return;
        }
        // Not connected yet, or no room: keep the frame and try again on the next duty cycles.
        stalls++;
        stuck.hold(p, header, payload, payloadOffset, payloadLength);
        stuck.add(publication, peerCopy);
    }

    /** Releases the hold that {@link #begin} put on the slot; answers it if every peer already has. */
    void sent(final ForwardedRequest p)
    {
        answered(p, -1, OK);
    }

    /**
     * A write to a slab's range was applied: a repair fetching good bytes for an overlapping range must
     * not write them, as they may predate this write.
     */
    void overwritten(final long volumeId, final int slab, final long offset, final int length)
    {
        if (fetches == 0)
        {
            return;
        }
        for (final ForwardedRequest p : pending)
        {
            if (p.inUse && p.kind == REPAIR_FETCH && p.volumeId == volumeId && p.slab == slab &&
                offset < p.offset + p.length && p.offset < offset + length)
            {
                p.disturbed = true;
            }
        }
    }

    private int expire(final long now)
    {
        int expired = 0;
        for (final ForwardedRequest p : pending)
        {
            // A stuck request is timed out by its retries, which also forget the frame.
            if (p.inUse && !stuck.isFor(p) && now - p.deadlineNs >= 0)
            {
                if (p.status == OK)
                {
                    p.status = TIMEOUT;
                }
                finish(p);
                expired++;
            }
        }
        return expired;
    }

    /** One answer for the slot: a peer's (copy {@code copy}), or the hold's (copy -1). */
    private void answered(final ForwardedRequest p, final int copy, final int status)
    {
        if (status != OK && copy >= 0 && copy < Integer.SIZE)
        {
            p.failed |= 1 << copy;
        }
        if (status == OK && copy >= 0 && copy < Integer.SIZE)
        {
            p.confirmed |= 1 << copy;
        }
        else if (status == STALE_EPOCH)
        {
            // The peer has not learned this layout yet (or has a newer one): it did not miss the write by
            // failing, and marking it stale for that would be wrong. The front end writes again.
            p.epochMismatch = true;
        }
        if (status != OK && p.status == OK)
        {
            p.status = status;
        }
        if (--p.remaining == 0)
        {
            finish(p);
        }
    }

    private void finish(final ForwardedRequest p)
    {
        // Whatever did not confirm by now, failed or silent, missed the write.
        p.missed |= p.asked & ~p.confirmed;
        final DataServer origin = p.origin;
        try
        {
            origin.complete(p);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
        finally
        {
            release(p);
        }
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        if (length < HEADER_LENGTH)
        {
            return;
        }
        reply.wrap(buffer, offset);
        if (reply.clientId() != clientId || !FrameType.isReply(reply.type()))
        {
            return;
        }
        final long forwardId = reply.correlationId();
        final ForwardedRequest p = pending[(int)(forwardId & indexMask)];
        if (!p.inUse || p.forwardId != forwardId)
        {
            lateReplies++;
            return;
        }
        int status = reply.status();
        if (p.kind == REPAIR_FETCH)
        {
            if (reply.type() != FrameType.READ_REPLY)
            {
                status = MALFORMED;
            }
            else if (status == OK)
            {
                final int payloadLength = length - HEADER_LENGTH;
                status = payloadLength != p.length || reply.length() != p.length ? MALFORMED :
                    p.origin.fetched(p, buffer, offset + PAYLOAD_OFFSET, payloadLength);
            }
        }
        else if (reply.type() != FrameType.WRITE_REPLY)
        {
            status = MALFORMED;
        }
        answered(p, reply.copy(), status);
    }
}
