package io.cistern.transport;

import java.time.Duration;

/**
 * Settings shared by a node's {@link DataServer} and {@link DataClient}, validated once at construction.
 *
 * @param requestStreamId  Aeron stream of requests (client to server).
 * @param replyStreamId    Aeron stream of replies (server to client); differs from the request stream so
 *                         that on one driver over {@code aeron:ipc} a server never reads replies.
 * @param peerReplyStreamId Aeron stream of the replies a primary's {@link Forwarder} gets from the other
 *                         copies' servers: its own, so the node's {@link DataClient} never sees them.
 * @param maxPayloadLength largest payload of one frame (a WRITE's data, a READ's answer); larger requests
 *                         get {@link DataStatus#TOO_LARGE} and the caller splits them.
 * @param requestTimeoutNs how long a client call may take in all (a free slot, sending, the reply); the
 *                         server also gives up sending a reply after this long.
 * @param maxInFlight      requests a client may have outstanding at once, a power of two.
 * @param fragmentLimit    fragments an agent handles per duty cycle, so one busy stream cannot starve the
 *                         idle strategy's bookkeeping or a co-scheduled agent.
 */
public record DataPlaneSettings(
    int requestStreamId,
    int replyStreamId,
    int peerReplyStreamId,
    int maxPayloadLength,
    long requestTimeoutNs,
    int maxInFlight,
    int fragmentLimit)
{
    /** Aeron's largest message is termLength / 8; with the driver's default 16 MiB terms that is 2 MiB. */
    public static final int MAX_MESSAGE_LENGTH_AT_DEFAULT_TERM = 16 * 1024 * 1024 / 8;
    /** The largest payload that fits a message at the default term length, after the frame header. */
    public static final int MAX_PAYLOAD_LIMIT = MAX_MESSAGE_LENGTH_AT_DEFAULT_TERM - DataFrame.HEADER_LENGTH;
    /** In-flight requests are slots indexed by the low bits of the correlation id; 12 bits at most. */
    public static final int MAX_IN_FLIGHT_LIMIT = 4096;

    public static final int DEFAULT_REQUEST_STREAM_ID = 1101;
    public static final int DEFAULT_REPLY_STREAM_ID = 1102;
    public static final int DEFAULT_PEER_REPLY_STREAM_ID = 1103;
    public static final int DEFAULT_MAX_PAYLOAD_LENGTH = 1024 * 1024;
    public static final long DEFAULT_REQUEST_TIMEOUT_NS = Duration.ofSeconds(5).toNanos();
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    public static final int DEFAULT_FRAGMENT_LIMIT = 128;

    public DataPlaneSettings
    {
        require(requestStreamId != replyStreamId, "replyStreamId=" + replyStreamId +
            ": must differ from requestStreamId, or a server on aeron:ipc reads replies as requests");
        require(peerReplyStreamId != requestStreamId && peerReplyStreamId != replyStreamId, "peerReplyStreamId=" +
            peerReplyStreamId + ": must differ from requestStreamId and replyStreamId, or peers' replies reach the wrong reader");
        require(maxPayloadLength > 0 && maxPayloadLength <= MAX_PAYLOAD_LIMIT, "maxPayloadLength=" +
            maxPayloadLength + ": must be 1.." + MAX_PAYLOAD_LIMIT + " (Aeron's largest message is termLength/8)");
        require(requestTimeoutNs > 0, "requestTimeoutNs=" + requestTimeoutNs +
            ": must be positive, or no request could ever complete");
        require(maxInFlight >= 2 && maxInFlight <= MAX_IN_FLIGHT_LIMIT && Integer.bitCount(maxInFlight) == 1,
            "maxInFlight=" + maxInFlight + ": must be a power of two in 2.." + MAX_IN_FLIGHT_LIMIT +
            " (slots are indexed by the correlation id's low bits)");
        require(fragmentLimit > 0, "fragmentLimit=" + fragmentLimit + ": must be positive, or nothing is polled");
    }

    public static DataPlaneSettings defaults()
    {
        return new DataPlaneSettings(
            DEFAULT_REQUEST_STREAM_ID,
            DEFAULT_REPLY_STREAM_ID,
            DEFAULT_PEER_REPLY_STREAM_ID,
            DEFAULT_MAX_PAYLOAD_LENGTH,
            DEFAULT_REQUEST_TIMEOUT_NS,
            DEFAULT_MAX_IN_FLIGHT,
            DEFAULT_FRAGMENT_LIMIT);
    }

    public DataPlaneSettings withStreams(final int requestStreamId, final int replyStreamId, final int peerReplyStreamId)
    {
        return new DataPlaneSettings(
            requestStreamId, replyStreamId, peerReplyStreamId, maxPayloadLength, requestTimeoutNs, maxInFlight, fragmentLimit);
    }

    public DataPlaneSettings withRequestTimeout(final Duration timeout)
    {
        return new DataPlaneSettings(
            requestStreamId, replyStreamId, peerReplyStreamId, maxPayloadLength, timeout.toNanos(), maxInFlight, fragmentLimit);
    }

    public DataPlaneSettings withMaxPayloadLength(final int maxPayloadLength)
    {
        return new DataPlaneSettings(
            requestStreamId, replyStreamId, peerReplyStreamId, maxPayloadLength, requestTimeoutNs, maxInFlight, fragmentLimit);
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
