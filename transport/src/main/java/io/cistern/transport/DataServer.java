package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataFrame.PAYLOAD_OFFSET;
import static io.cistern.transport.DataStatus.IO_ERROR;
import static io.cistern.transport.DataStatus.OK;
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
    private final FragmentAssembler assembler;
    private final Counter requests;
    private final Counter staleEpochs;
    private final Counter malformedFrames;
    private final Counter repliesDropped;
    private final Counter errors;
    private final ReplyPublications replies;
    private final Subscription subscription;
    private boolean closed;

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
        this.channel = channel;
        this.settings = settings;
        this.errorHandler = errorHandler;
        this.extentRequests = new ExtentRequests(extentIo);
        this.replyBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(HEADER_LENGTH + settings.maxPayloadLength(), BitUtil.CACHE_LINE_LENGTH),
            BitUtil.CACHE_LINE_LENGTH));
        this.assembler = new FragmentAssembler(this::onFragment);
        this.replies = new ReplyPublications(
            aeron, replyChannels, settings.replyStreamId(), settings.requestTimeoutNs());
        final String label = "data server " + channel;
        Counter requests = null;
        Counter staleEpochs = null;
        Counter malformedFrames = null;
        Counter repliesDropped = null;
        Counter errors = null;
        try
        {
            requests = DataCounters.add(aeron, DataCounters.SERVER_REQUESTS_TYPE_ID, label + " requests");
            staleEpochs = DataCounters.add(aeron, DataCounters.SERVER_STALE_EPOCHS_TYPE_ID, label + " stale epochs");
            malformedFrames = DataCounters.add(
                aeron, DataCounters.SERVER_MALFORMED_FRAMES_TYPE_ID, label + " malformed frames");
            repliesDropped = DataCounters.add(
                aeron, DataCounters.SERVER_REPLIES_DROPPED_TYPE_ID, label + " replies dropped");
            errors = DataCounters.add(aeron, DataCounters.SERVER_ERRORS_TYPE_ID, label + " errors");
            this.subscription = aeron.addSubscription(channel, settings.requestStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(requests, staleEpochs, malformedFrames, repliesDropped, errors);
            throw ex;
        }
        this.requests = requests;
        this.staleEpochs = staleEpochs;
        this.malformedFrames = malformedFrames;
        this.repliesDropped = repliesDropped;
        this.errors = errors;
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
        return closed ? 0 : subscription.poll(assembler, settings.fragmentLimit());
    }

    public long requests()
    {
        return requests.get();
    }

    public long staleEpochs()
    {
        return staleEpochs.get();
    }

    public long malformedFrames()
    {
        return malformedFrames.get();
    }

    public long repliesDropped()
    {
        return repliesDropped.get();
    }

    public long errors()
    {
        return errors.get();
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
            CloseHelper.closeAll(subscription, replies, requests, staleEpochs, malformedFrames, repliesDropped, errors);
        }
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH || !FrameType.isRequest(request.wrap(buffer, offset).type()))
        {
            malformedFrames.incrementRelease();
            return;
        }
        try
        {
            final ReplyPublications.Target target = replies.target(request.clientId());
            if (target == null)
            {
                repliesDropped.incrementRelease();
                return;
            }
            requests.incrementRelease();
            final int maxPayloadLength =
                Math.min(settings.maxPayloadLength(), target.maxMessageLength() - HEADER_LENGTH);
            final int status = decide(maxPayloadLength, buffer, offset, length);
            final int type = request.type();
            final int payloadLength = type == FrameType.READ && status == OK ? request.length() : 0;
            if (status == STALE_EPOCH)
            {
                staleEpochs.incrementRelease();
            }
            reply.wrap(replyBuffer, 0)
                .type(FrameType.replyTo(type))
                .flags(request.flags())
                .status(status)
                .correlationId(request.correlationId())
                .clientId(request.clientId())
                .volumeId(request.volumeId())
                .slab(request.slab())
                .copy(request.copy())
                .epoch(status == STALE_EPOCH ? extentRequests.serverEpoch() : request.epoch())
                .extentOffset(request.extentOffset())
                .length(payloadLength);
            if (!target.send(replyBuffer, HEADER_LENGTH + payloadLength))
            {
                repliesDropped.incrementRelease();
            }
        }
        catch (final RuntimeException ex)
        {
            // A reply channel that cannot be added: the client times out, the cause is counted and reported.
            errors.incrementRelease();
            errorHandler.onError(ex);
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
                default:
                    return extentRequests.flush(request);
            }
        }
        catch (final RuntimeException ex)
        {
            errors.incrementRelease();
            errorHandler.onError(ex);
            return IO_ERROR;
        }
    }
}
