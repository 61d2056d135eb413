package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ConcurrentPublication;
import io.aeron.Counter;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

import java.util.concurrent.locks.LockSupport;

import static io.cistern.transport.DataFrame.FLAG_AGAIN;
import static io.cistern.transport.DataFrame.FLAG_FUA;
import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataFrame.PAYLOAD_OFFSET;
import static io.cistern.transport.DataStatus.BACK_PRESSURED;
import static io.cistern.transport.DataStatus.MALFORMED;
import static io.cistern.transport.DataStatus.NOT_CONNECTED;
import static io.cistern.transport.DataStatus.OK;
import static io.cistern.transport.DataStatus.TIMEOUT;
import static io.cistern.transport.DataStatus.TOO_LARGE;

/**
 * The requesting side of the data plane: blocking block reads, writes and flushes against other nodes'
 * {@link DataServer}s, safe to call from many front-end threads at once (one per NBD connection).
 * <p>
 * Threading. A caller takes a preallocated {@link PendingRequest} slot from a lock-free free list,
 * encodes the header into the slot, arms the slot with the correlation id and offers the frame itself on
 * the server's {@link ConcurrentPublication} (thread-safe; a WRITE's payload goes straight from the
 * caller's buffer as the offer's second part), then parks. This object is also an {@link Agent}: its own
 * thread polls the reply subscription, finds the slot from the correlation id's low bits, copies a READ's
 * payload into the caller's buffer and unparks the caller. Every call carries one deadline for all of it
 * (a free slot, sending, the reply), enforced by the caller's own park, so no request ever hangs, even if
 * the agent stops. Nothing is allocated per request; publications are created once per server channel.
 * <p>
 * Outcomes, all {@link DataStatus} values: {@link DataStatus#TOO_LARGE} beyond the configured payload
 * (the caller splits); {@link DataStatus#NOT_CONNECTED} when no server connected before the deadline or
 * the client is closed (nothing was sent); {@link DataStatus#BACK_PRESSURED} when the stream or the
 * in-flight slots stayed full; {@link DataStatus#TIMEOUT} when the request was sent and no reply came, so a
 * write may or may not have been applied; otherwise what the server answered.
 * <p>
 * Replies are filtered by client id, so several clients may share one reply stream (as over
 * {@code aeron:ipc} on one driver). Run the agent with {@link DataAgents#start}; closing the runner
 * closes the client and completes every waiting call with {@link DataStatus#NOT_CONNECTED}.
 */
public final class DataClient implements Agent, AutoCloseable
{
    /** Spins before parking: an IPC round trip is a few microseconds, a park and unpark tens. */
    private static final int AWAIT_SPINS = 64;
    /** Most copies a slab may have. */
    public static final int MAX_COPIES = 8;

    private final Aeron aeron;
    private final int clientId;
    private final DataPlaneSettings settings;
    private final PendingRequest[] slots;
    private final ManyToManyConcurrentArrayQueue<PendingRequest> freeSlots;
    private final int slotMask;
    private final ServerPublications publications;
    private final DataFrameDecoder replyDecoder = new DataFrameDecoder();
    private final FragmentAssembler assembler;
    private final Counter timeouts;
    private final Counter lateReplies;
    private final Subscription replies;
    private volatile boolean closed;

    /**
     * Subscribes to this client's reply channel on the settings' reply stream.
     *
     * @param clientId     this client's id, which servers resolve to {@code replyChannel} by {@link ReplyChannels}.
     * @param replyChannel where replies arrive, e.g. {@code aeron:udp?endpoint=10.0.0.7:40457}.
     */
    public DataClient(final Aeron aeron, final int clientId, final String replyChannel, final DataPlaneSettings settings)
    {
        this.aeron = aeron;
        this.clientId = clientId;
        this.settings = settings;
        final int slotCount = settings.maxInFlight();
        final int indexBits = Integer.numberOfTrailingZeros(slotCount);
        this.slots = new PendingRequest[slotCount];
        this.freeSlots = new ManyToManyConcurrentArrayQueue<>(slotCount);
        this.slotMask = slotCount - 1;
        for (int i = 0; i < slotCount; i++)
        {
            slots[i] = new PendingRequest(i, indexBits);
            freeSlots.offer(slots[i]);
        }
        this.publications = new ServerPublications(aeron, settings.requestStreamId());
        this.assembler = new FragmentAssembler(this::onReply);
        final String label = "data client " + clientId;
        Counter timeouts = null;
        Counter lateReplies = null;
        try
        {
            timeouts = DataCounters.add(aeron, DataCounters.CLIENT_TIMEOUTS_TYPE_ID, label + " timeouts");
            lateReplies = DataCounters.add(aeron, DataCounters.CLIENT_LATE_REPLIES_TYPE_ID, label + " late replies");
            this.replies = aeron.addSubscription(replyChannel, settings.replyStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(timeouts, lateReplies);
            throw ex;
        }
        this.timeouts = timeouts;
        this.lateReplies = lateReplies;
    }

    public int clientId()
    {
        return clientId;
    }

    /**
     * Reads the request's range of its extent into its destination, which is written only when the
     * result is {@link DataStatus#OK}.
     *
     * @return a {@link DataStatus} code.
     */
    public int read(final DataRequest request)
    {
        if (request.destination == null)
        {
            return MALFORMED;
        }
        final int invalid = invalid(request.offset, request.length, request.destination.capacity(), request.bufferOffset);
        return invalid != OK ? invalid : call(FrameType.READ, 0, request, null, request.destination, request.length,
            request.timeoutNs > 0 ? Math.min(request.timeoutNs, settings.requestTimeoutNs()) : settings.requestTimeoutNs());
    }

    /**
     * Writes the request's payload at its range of its extent.
     *
     * @return a {@link DataStatus} code; {@link DataStatus#TIMEOUT} leaves it unknown whether the write landed.
     */
    public int write(final DataRequest request)
    {
        return write(FrameType.WRITE, request);
    }

    /**
     * Writes the request's payload through the server of the slab's sequencer (its primary, named by the
     * request's copy), which writes its extent and the slab's others in the order it takes the slab's
     * writes, and answers once they have it ({@link FrameType#SEQUENCED_WRITE}).
     *
     * @return a {@link DataStatus} code: OK, {@link DataStatus#degraded} naming the extents that missed it,
     * or {@link DataStatus#NOT_PRIMARY} if that copy does not sequence the slab under the server's layout.
     */
    public int sequencedWrite(final DataRequest request)
    {
        return write(FrameType.SEQUENCED_WRITE, request);
    }

    /**
     * COMPARE AND WRITE through the slab's primary (the request's server and copy): the request's payload is the
     * compare half then the write half, its length both ({@link FrameType#COMPARE_AND_WRITE}).
     *
     * @param again the request was sent before and its outcome is unknown ({@link DataFrame#FLAG_AGAIN}).
     * @return a sequenced write's {@link DataStatus} code, or {@link DataStatus#miscompare} (nothing written).
     */
    public int compareAndWrite(final DataRequest request, final boolean again)
    {
        if (request.length <= 0 || (request.length & 1) != 0)
        {
            return MALFORMED;
        }
        return write(FrameType.COMPARE_AND_WRITE, request, again ? FLAG_AGAIN : 0);
    }

    private int write(final int type, final DataRequest request)
    {
        return write(type, request, 0);
    }

    private int write(final int type, final DataRequest request, final int flags)
    {
        if (request.payload == null)
        {
            return MALFORMED;
        }
        final int invalid = invalid(request.offset, request.length, request.payload.capacity(), request.bufferOffset);
        return invalid != OK ? invalid : call(type, flags | (request.fua ? FLAG_FUA : 0), request, request.payload, null, 0);
    }

    /**
     * Asks the slab's primary (the request's server) to rewrite the request's range of its copy, which
     * failed its checksum, from a good copy, in order with the slab's writes.
     *
     * @return a {@link DataStatus} code; {@link DataStatus#OVERTAKEN} if a write to the range came first.
     */
    public int repair(final DataRequest request)
    {
        if (request.length <= 0 || request.offset < 0)
        {
            return MALFORMED;
        }
        if (request.length > settings.maxPayloadLength())
        {
            return TOO_LARGE;
        }
        // The length names the range to repair; the request carries no payload.
        return call(FrameType.REPAIR, 0, request, null, null, 0);
    }

    /**
     * Fetches a server's write-intent map of the request's slab (see {@link ExtentIo#dirtyMap} for the layout
     * of the {@link ExtentIo#dirtyMapLength} bytes it puts in the request's destination), fenced by the epoch.
     * The request's range is set here from {@code extentBytes}.
     *
     * @return a {@link DataStatus} code; {@link DataStatus#MAP_LOST} if the server's map cannot be trusted.
     */
    public int dirtyMap(final DataRequest request, final long extentBytes)
    {
        final MutableDirectBuffer dst = request.destination;
        final int dstOffset = request.bufferOffset;
        request.at(0, ExtentIo.dirtyMapLength(extentBytes)).into(dst, dstOffset);
        if (dst == null)
        {
            return MALFORMED;
        }
        final int invalid = invalid(0, request.length, dst.capacity(), dstOffset);
        return invalid != OK ? invalid : call(FrameType.DIRTY_MAP, 0, request, null, dst, request.length);
    }

    /**
     * Tells the request's server that its slab's layout has reached the request's epoch: it serves nothing of the slab under an
     * older one from then on ({@link FrameType#FENCE}). Waits at most {@code timeoutNs}, so a node that is
     * paused or gone holds the caller up only that long.
     *
     * @return a {@link DataStatus} code.
     */
    public int fence(final DataRequest request, final long timeoutNs)
    {
        request.at(0, 0);
        return call(FrameType.FENCE, 0, request, null, null, 0, Math.min(timeoutNs, settings.requestTimeoutNs()));
    }

    /**
     * Asks the server to make every write of the volume it has acknowledged durable. Not on the per-block
     * path, so the request is made here.
     *
     * @return a {@link DataStatus} code.
     */
    public int flush(final String serverChannel, final long volumeId)
    {
        return call(FrameType.FLUSH, 0, new DataRequest().server(serverChannel).extent(volumeId, 0, 0, 0).at(0, 0), null, null, 0);
    }

    private int call(final int type, final int flags, final DataRequest r, final DirectBuffer payload, final MutableDirectBuffer dst,
                     final int replyLength)
    {
        return call(type, flags, r, payload, dst, replyLength, settings.requestTimeoutNs());
    }

    /**
     * One request and its reply: a slot, the frame, the wait, the slot back.
     *
     * @param r       what is asked; its length is the frame's length field: the payload sent, the bytes asked for,
     *                or the range named.
     * @param payload bytes sent after the header (the request's length of them), or null for none.
     * @param dst     where the reply's payload goes ({@code replyLength} bytes), or null for none.
     */
    private int call(final int type, final int flags, final DataRequest r, final DirectBuffer payload,
                     final MutableDirectBuffer dst, final int replyLength, final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        final PendingRequest slot = acquire(deadline);
        if (slot == null)
        {
            return closed ? NOT_CONNECTED : BACK_PRESSURED;
        }
        try
        {
            final long correlationId = slot.nextCorrelationId();
            slot.expect(FrameType.replyTo(type), replyLength, dst, r.bufferOffset);
            encode(slot, type, flags, correlationId, r);
            return exchange(r.serverChannel, slot, correlationId, payload, r.bufferOffset,
                payload == null && dst == null ? 0 : r.length, deadline);
        }
        finally
        {
            release(slot);
        }
    }

    /**
     * Creates the publication to a server if there is none yet, so a node can connect to its peers ahead
     * of the first I/O, and says whether a server is listening on it now.
     *
     * @return true if the server's subscription is connected to this client's publication.
     */
    public boolean isConnected(final String serverChannel)
    {
        final ConcurrentPublication publication = publication(serverChannel);
        return publication != null && publication.isConnected();
    }

    @Override
    public String roleName()
    {
        return "data-client-" + clientId;
    }

    /** Polls replies and completes the calls waiting for them. */
    @Override
    public int doWork()
    {
        return closed ? 0 : replies.poll(assembler, settings.fragmentLimit());
    }

    public long timeouts()
    {
        return timeouts.get();
    }

    public long lateReplies()
    {
        return lateReplies.get();
    }

    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Completes every waiting call with {@link DataStatus#NOT_CONNECTED} and closes the subscription,
     * publications and counters. Later calls return {@link DataStatus#NOT_CONNECTED}.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final PendingRequest slot : slots)
        {
            final long awaited = slot.state();
            if (slot.claim(awaited))
            {
                slot.complete(NOT_CONNECTED);
            }
        }
        CloseHelper.closeAll(publications, replies, timeouts, lateReplies);
    }

    /** Why a request's range or buffer cannot be sent, or OK. */
    private int invalid(final long offset, final int length, final int bufferCapacity, final int bufferOffset)
    {
        if (length > settings.maxPayloadLength())
        {
            return TOO_LARGE;
        }
        if (length < 0 || offset < 0 || bufferOffset < 0 || length > bufferCapacity - bufferOffset)
        {
            return MALFORMED;
        }
        return OK;
    }

    private void encode(final PendingRequest slot, final int type, final int flags, final long correlationId, final DataRequest r)
    {
        slot.encoder()
            .type(type)
            .flags(flags)
            .status(OK)
            .correlationId(correlationId)
            .clientId(clientId)
            .volumeId(r.volumeId)
            .slab(r.slab)
            .copy(r.copy)
            .epoch(r.epoch)
            .extentOffset(r.offset)
            .length(r.length);
    }

    /**
     * Sends the slot's request and waits for its reply; the request has no payload when {@code payload}
     * is null, and {@code length} is then only what a READ asks for.
     */
    private int exchange(
        final String serverChannel,
        final PendingRequest slot,
        final long correlationId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int length,
        final long deadline)
    {
        final ConcurrentPublication publication = publication(serverChannel);
        if (publication == null)
        {
            return NOT_CONNECTED;
        }
        // A WRITE's frame, or a READ's answer, must fit one Aeron message; the server checks its side too.
        if (HEADER_LENGTH + length > publication.maxMessageLength())
        {
            return TOO_LARGE;
        }
        slot.arm(correlationId);
        // Checked after arming: close() either sees the armed slot and completes it, or we see closed here.
        final int sent = closed ? NOT_CONNECTED : publications.send(publication, slot.header(), payload, payloadOffset, length, deadline);
        if (sent != OK && slot.disarm(correlationId))
        {
            return sent;
        }
        return await(slot, correlationId, deadline);
    }

    private ConcurrentPublication publication(final String serverChannel)
    {
        if (closed)
        {
            return null;
        }
        return publications.get(serverChannel);
    }

    private int await(final PendingRequest slot, final long correlationId, final long deadline)
    {
        int spins = 0;
        while (true)
        {
            final long state = slot.state();
            if (state == PendingRequest.DONE)
            {
                return slot.status();
            }
            if (state == PendingRequest.COMPLETING)
            {
                // The reply is being copied into the caller's buffer: wait it out, even past the deadline.
                Thread.yield();
                continue;
            }
            final long remainingNs = deadline - System.nanoTime();
            if (remainingNs <= 0)
            {
                if (slot.disarm(correlationId))
                {
                    timeouts.increment();
                    return TIMEOUT;
                }
            }
            else if (spins < AWAIT_SPINS)
            {
                spins++;
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(this, remainingNs);
            }
        }
    }

    private PendingRequest acquire(final long deadline)
    {
        int attempt = 0;
        while (!closed)
        {
            final PendingRequest slot = freeSlots.poll();
            if (slot != null)
            {
                return slot;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return null;
            }
            Backoff.pause(attempt++);
        }
        return null;
    }

    private void release(final PendingRequest slot)
    {
        slot.release();
        freeSlots.offer(slot);
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH)
        {
            return;
        }
        final DataFrameDecoder reply = replyDecoder.wrap(buffer, offset);
        if (reply.clientId() != clientId || !FrameType.isReply(reply.type()))
        {
            // Another client's reply on a shared stream.
            return;
        }
        final long correlationId = reply.correlationId();
        final PendingRequest slot = slots[(int)(correlationId & slotMask)];
        if (!slot.claim(correlationId))
        {
            lateReplies.incrementRelease();
            return;
        }
        int status = reply.status();
        if (reply.type() != slot.expectedType())
        {
            status = MALFORMED;
        }
        else if (slot.dst() != null && status == OK)
        {
            final int payloadLength = length - HEADER_LENGTH;
            if (reply.length() != slot.expectedLength() || payloadLength != slot.expectedLength())
            {
                status = MALFORMED;
            }
            else
            {
                slot.dst().putBytes(slot.dstOffset(), buffer, offset + PAYLOAD_OFFSET, payloadLength);
            }
        }
        slot.complete(status);
    }
}
