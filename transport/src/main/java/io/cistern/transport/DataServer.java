package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import static io.cistern.transport.DataFrame.FLAG_PEER;
import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataFrame.PAYLOAD_OFFSET;
import static io.cistern.transport.DataStatus.IO_ERROR;
import static io.cistern.transport.DataStatus.MALFORMED;
import static io.cistern.transport.DataStatus.NOT_PRIMARY;
import static io.cistern.transport.DataStatus.OK;
import static io.cistern.transport.DataStatus.OVERTAKEN;
import static io.cistern.transport.DataStatus.STALE_EPOCH;

/**
 * A node's data server: the agent that takes block requests off its Aeron channel, fences them by layout
 * epoch, does the I/O through {@link ExtentIo} and answers each on its client's reply channel.
 * <p>
 * One agent thread does everything, one request at a time, in arrival order per client: decode here,
 * decide in {@link ExtentRequests}, send in {@link ReplyPublications}. Large requests arrive as Aeron
 * fragments and are put back together by a {@link FragmentAssembler}; a WRITE's payload is handed to
 * {@link ExtentIo} where it lies in the assembled buffer, and a READ lands directly after the reply header
 * in one preallocated buffer that is offered as is, so a request allocates nothing.
 * <p>
 * Mirrors: for a slab whose primary copy is here, the {@link Sequencer} writes a {@link FrameType#SEQUENCED_WRITE}
 * to that copy and then, through the {@link Forwarder}, to the slab's other copies in the order this server
 * took it; the answer goes back once every copy has answered. A {@link FrameType#COMPARE_AND_WRITE} and a
 * {@link FrameType#REPAIR} are ordered the same way.
 * Requests that a primary forwards carry {@link DataFrame#FLAG_PEER} and are answered on the peer reply
 * stream.
 * <p>
 * This is the data plane's error boundary: a frame that is not a request is counted and dropped, a request
 * that is invalid gets {@link DataStatus#MALFORMED}, and an exception from {@link ExtentIo} is counted,
 * given to the error handler and answered with {@link DataStatus#IO_ERROR}. The client always gets an
 * answer unless it cannot be reached, and then its own deadline answers it.
 * <p>
 * Run it on an {@link org.agrona.concurrent.AgentRunner} ({@link DataAgents#start}); closing the runner
 * closes the server.
 */
public final class DataServer implements Agent, AutoCloseable
{
    private final String channel;
    private final DataPlaneSettings settings;
    private final ErrorHandler errorHandler;
    private final ExtentRequests extentRequests;
    private final DataFrameDecoder request = new DataFrameDecoder();
    private final DataFrameEncoder reply = new DataFrameEncoder();
    private final UnsafeBuffer replyBuffer;
    private final UnsafeBuffer repairBuffer;
    private final ControlledFragmentAssembler assembler;
    private final Forwarder forwarder;
    /** The requests this server orders as slabs' primary; null without a forwarder. */
    private final Sequencer sequencer;
    private final ServerCounters counters;
    private final ReplyPublications replies;
    private final ReplyPublications peerReplies;
    private final Subscription subscription;
    private boolean closed;
    /** Client ids to open reply streams to ahead of their first request, from any thread. */
    private final ManyToOneConcurrentArrayQueue<Integer> toConnect = new ManyToOneConcurrentArrayQueue<>(64);

    /**
     * Subscribes to {@code channel} on the settings' request stream; replies go out on the reply stream.
     *
     * @param channel       where this server listens, e.g. {@code aeron:udp?endpoint=10.0.0.5:40456}.
     * @param errorHandler  told of every exception caught at the boundary (the node's distinct error log).
     */
    public DataServer(
        final Aeron aeron,
        final String channel,
        final DataPlaneSettings settings,
        final ExtentIo extentIo,
        final ReplyChannels replyChannels,
        final ErrorHandler errorHandler)
    {
        this(aeron, channel, settings, extentIo, replyChannels, null, errorHandler);
    }

    /**
     * A server that is also the primary of slabs: mirrored writes and repairs go out through
     * {@code forwarder}, which must run on this server's thread. Without one they are answered
     * {@link DataStatus#NOT_PRIMARY}.
     */
    public DataServer(
        final Aeron aeron,
        final String channel,
        final DataPlaneSettings settings,
        final ExtentIo extentIo,
        final ReplyChannels replyChannels,
        final Forwarder forwarder,
        final ErrorHandler errorHandler)
    {
        this.channel = channel;
        this.forwarder = forwarder;
        this.settings = settings;
        this.errorHandler = errorHandler;
        this.extentRequests = new ExtentRequests(extentIo);
        this.replyBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(HEADER_LENGTH + settings.maxPayloadLength(), BitUtil.CACHE_LINE_LENGTH),
            BitUtil.CACHE_LINE_LENGTH));
        this.repairBuffer = forwarder == null ? null : new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(settings.maxPayloadLength(), BitUtil.CACHE_LINE_LENGTH), BitUtil.CACHE_LINE_LENGTH));
        this.assembler = new ControlledFragmentAssembler(this::onFragment);
        this.replies = new ReplyPublications(
            aeron, replyChannels, settings.replyStreamId(), settings.requestTimeoutNs());
        this.peerReplies = new ReplyPublications(
            aeron, replyChannels, settings.peerReplyStreamId(), settings.requestTimeoutNs());
        this.counters = new ServerCounters(aeron, "data server " + channel);
        this.sequencer = forwarder == null ? null :
            new Sequencer(this, forwarder, extentRequests, request, repairBuffer, counters, errorHandler);
        try
        {
            this.subscription = aeron.addSubscription(channel, settings.requestStreamId());
        }
        catch (final RuntimeException ex)
        {
            counters.close();
            throw ex;
        }
    }

    @Override
    public String roleName()
    {
        return "data-server";
    }

    public String channel()
    {
        return channel;
    }

    @Override
    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        int work = 0;
        Integer clientId;
        while ((clientId = toConnect.poll()) != null)
        {
            // Only created here: the first reply then finds the stream connected instead of holding this
            // thread, and every forward waiting on it, for the setup round trip.
            replies.target(clientId);
            peerReplies.target(clientId);
            work++;
        }
        if (forwarder != null && forwarder.isStuck())
        {
            return work;
        }
        return work + subscription.controlledPoll(assembler, settings.fragmentLimit());
    }

    /**
     * Opens the reply streams to a client (a peer node) ahead of its first request. Safe from any thread;
     * an id that does not fit the queue gets its streams on its first request instead.
     */
    public void connect(final int clientId)
    {
        toConnect.offer(clientId);
    }

    public long requests()
    {
        return counters.requests.get();
    }

    public long staleEpochs()
    {
        return counters.staleEpochs.get();
    }

    public long malformedFrames()
    {
        return counters.malformedFrames.get();
    }

    public long repliesDropped()
    {
        return counters.repliesDropped.get();
    }

    public long errors()
    {
        return counters.errors.get();
    }

    @Override
    public void onClose()
    {
        close();
    }

    /** Closes the subscription, the reply publications and the counters. Called by the agent's thread. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.closeAll(subscription, replies, peerReplies, counters);
        }
    }

    private Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH || !FrameType.isRequest(request.wrap(buffer, offset).type()))
        {
            counters.malformedFrames.incrementRelease();
            return Action.CONTINUE;
        }
        try
        {
            final ReplyPublications.Target target = (request.flags() & FLAG_PEER) != 0 ?
                peerReplies.target(request.clientId()) : replies.target(request.clientId());
            if (target == null)
            {
                counters.repliesDropped.incrementRelease();
                return Action.CONTINUE;
            }
            counters.requests.incrementRelease();
            final int maxPayloadLength =
                Math.min(settings.maxPayloadLength(), target.maxMessageLength() - HEADER_LENGTH);
            final int type = request.type();
            if (type == FrameType.SEQUENCED_WRITE || type == FrameType.REPAIR || type == FrameType.COMPARE_AND_WRITE)
            {
                final int status = sequencer == null ? NOT_PRIMARY : sequencer.handle(target, maxPayloadLength, buffer, offset, length);
                if (status != Sequencer.PENDING)
                {
                    reply(target, type, request.flags(), status, request.correlationId(), request.clientId(),
                        request.volumeId(), request.slab(), request.copy(), request.epoch(), request.extentOffset(), 0);
                }
            }
            else
            {
                final int status = decide(maxPayloadLength, buffer, offset, length);
                final int payloadLength = (type == FrameType.READ || type == FrameType.DIRTY_MAP) && status == OK ?
                    request.length() : 0;
                reply(target, type, request.flags(), status, request.correlationId(), request.clientId(),
                    request.volumeId(), request.slab(), request.copy(), request.epoch(), request.extentOffset(),
                    payloadLength);
            }
        }
        catch (final RuntimeException ex)
        {
            // A reply channel that cannot be added: the client times out, the cause is counted and reported.
            counters.errors.incrementRelease();
            errorHandler.onError(ex);
        }
        // A forwarded frame that found no room stops this poll: nothing more is taken until it is sent.
        return forwarder != null && forwarder.isStuck() ? Action.BREAK : Action.CONTINUE;
    }

    /** Answers a request forwarded to peers, once they have all answered; called by the {@link Forwarder}. */
    void complete(final ForwardedRequest p)
    {
        // A mirrored write is on the primary's copy by now: the copies that missed it are the front end's to
        // have marked stale. Other kinds answer with the worst status.
        final int status = p.kind != Forwarder.MIRROR ? p.status :
            p.epochMismatch ? STALE_EPOCH : (p.missed == 0 ? OK : DataStatus.degraded(p.missed));
        if (status == STALE_EPOCH)
        {
            // The answer carries this server's epoch of the slab; the last fence checked may have been another's.
            extentRequests.epoch(p.volumeId, p.slab);
        }
        reply(p.target, p.type, p.flags, status, p.correlationId, p.clientId, p.volumeId, p.slab, p.copy, p.epoch,
            p.offset, 0);
    }

    /**
     * The good bytes a repair of this node's primary copy fetched from a peer: written unless a write to the
     * range overtook the fetch, or the layout changed meanwhile.
     */
    int fetched(final ForwardedRequest p, final DirectBuffer buffer, final int offset, final int length)
    {
        if (p.disturbed)
        {
            return OVERTAKEN;
        }
        if (extentRequests.epoch(p.volumeId, p.slab) != p.epoch)
        {
            return STALE_EPOCH;
        }
        try
        {
            return ExtentRequests.sanitize(extentRequests.io().write(p.volumeId, p.slab, p.copy, p.offset, buffer, offset, length, true));
        }
        catch (final RuntimeException ex)
        {
            counters.errors.incrementRelease();
            errorHandler.onError(ex);
            return IO_ERROR;
        }
    }

    private void reply(final ReplyPublications.Target target, final int type, final int flags, final int status,
                       final long correlationId, final int clientId, final long volumeId, final int slab, final int copy,
                       final long epoch, final long extentOffset, final int payloadLength)
    {
        if (status == STALE_EPOCH)
        {
            counters.staleEpochs.incrementRelease();
        }
        reply.wrap(replyBuffer, 0)
            .type(FrameType.replyTo(type))
            .flags(flags)
            .status(status)
            .correlationId(correlationId)
            .clientId(clientId)
            .volumeId(volumeId)
            .slab(slab)
            .copy(copy)
            .epoch(status == STALE_EPOCH ? extentRequests.serverEpoch() : epoch)
            .extentOffset(extentOffset)
            .length(payloadLength);
        if (!target.send(replyBuffer, HEADER_LENGTH + payloadLength))
        {
            counters.repliesDropped.incrementRelease();
        }
    }

    private int decide(final int maxPayloadLength, final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            switch (request.type())
            {
                case FrameType.READ:
                    return extentRequests.read(request, maxPayloadLength, replyBuffer, PAYLOAD_OFFSET);
                case FrameType.WRITE:
                    return extentRequests.write(
                        request, maxPayloadLength, buffer, offset + PAYLOAD_OFFSET, length - HEADER_LENGTH);
                case FrameType.DIRTY_MAP:
                    return extentRequests.dirtyMap(request, maxPayloadLength, replyBuffer, PAYLOAD_OFFSET);
                case FrameType.FENCE:
                    return extentRequests.fence(request);
                default:
                    return extentRequests.flush(request);
            }
        }
        catch (final RuntimeException ex)
        {
            counters.errors.incrementRelease();
            errorHandler.onError(ex);
            return IO_ERROR;
        }
    }
}
