package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * The data server's way back to its clients: one exclusive publication per client id, created on the
 * client's first request and reused for every later reply. Used only by the server's agent thread, which
 * is why the publications are exclusive (no cross-thread claim on the log).
 * <p>
 * Sending never waits without bound. A brand-new publication waits for its client's subscription to
 * connect (UDP needs a setup round trip) and a full one waits for room, both until the request timeout.
 * A publication that was connected and is no longer means the client went away: the reply is dropped at
 * once, so a dead client cannot stall the server for everybody else. A dropped reply is seen by the
 * client as {@link DataStatus#TIMEOUT}. The one stall left: a client that vanishes before its first
 * reply holds the server up to the request timeout; an interrupt (the agent runner closing) ends it.
 */
final class ReplyPublications implements AutoCloseable
{
    private final Aeron aeron;
    private final ReplyChannels replyChannels;
    private final int streamId;
    private final long timeoutNs;
    private final Int2ObjectHashMap<Target> byClient = new Int2ObjectHashMap<>();

    ReplyPublications(final Aeron aeron, final ReplyChannels replyChannels, final int streamId, final long timeoutNs)
    {
        this.aeron = aeron;
        this.replyChannels = replyChannels;
        this.streamId = streamId;
        this.timeoutNs = timeoutNs;
    }

    /**
     * @return the client's reply target, created on first use; null for a client the resolver does not know.
     */
    Target target(final int clientId)
    {
        Target target = byClient.get(clientId);
        if (target == null)
        {
            final String channel = replyChannels.channelFor(clientId);
            if (channel == null)
            {
                return null;
            }
            target = new Target(aeron.addExclusivePublication(channel, streamId), timeoutNs);
            byClient.put(clientId, target);
        }
        return target;
    }

    @Override
    public void close()
    {
        for (final Target target : byClient.values())
        {
            CloseHelper.quietClose(target.publication);
        }
        byClient.clear();
    }

    /** One client's reply publication and whether it has ever been connected. */
    static final class Target
    {
        private final ExclusivePublication publication;
        private final long timeoutNs;
        private boolean wasConnected;

        private Target(final ExclusivePublication publication, final long timeoutNs)
        {
            this.publication = publication;
            this.timeoutNs = timeoutNs;
        }

        int maxMessageLength()
        {
            return publication.maxMessageLength();
        }

        /**
         * @return true if the reply is in the stream, false if it was dropped.
         */
        boolean send(final DirectBuffer buffer, final int length)
        {
            final long deadline = System.nanoTime() + timeoutNs;
            int attempt = 0;
            while (true)
            {
                final long result = publication.offer(buffer, 0, length);
                if (result > 0)
                {
                    wasConnected = true;
                    return true;
                }
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                    (result == Publication.NOT_CONNECTED && wasConnected) ||
                    System.nanoTime() - deadline >= 0 ||
                    Thread.currentThread().isInterrupted())
                {
                    return false;
                }
                Backoff.pause(attempt++);
            }
        }
    }
}
