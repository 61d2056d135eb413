package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.collections.ObjectHashSet;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The {@link Forwarder}'s streams to its peers' servers: one exclusive publication per peer channel, made on
 * first use or ahead of it ({@link #connect}), and which of them have ever taken a frame. Used by the
 * forwarder's agent thread only, except {@link #connect}.
 */
final class PeerPublications implements AutoCloseable
{
    private final Aeron aeron;
    private final int streamId;
    private final ErrorHandler errorHandler;
    private final Object2ObjectHashMap<String, ExclusivePublication> byChannel = new Object2ObjectHashMap<>();
    /**
     * Peers' streams that have taken a frame: "not connected" on one of these means the peer went away
     * (its status messages stopped), not that the stream is still being set up, so waiting is pointless.
     */
    private final ObjectHashSet<ExclusivePublication> connectedOnce = new ObjectHashSet<>();
    /** Peers' server channels to open a stream to ahead of the first forward, from any thread. */
    private final ManyToOneConcurrentArrayQueue<String> toConnect = new ManyToOneConcurrentArrayQueue<>(64);
    private boolean closed;

    PeerPublications(final Aeron aeron, final int streamId, final ErrorHandler errorHandler)
    {
        this.aeron = aeron;
        this.streamId = streamId;
        this.errorHandler = errorHandler;
    }

    /** Asks for the stream to a peer's server to be opened soon, from any thread (see {@link Forwarder#connect}). */
    void connect(final String peerServerChannel)
    {
        toConnect.offer(peerServerChannel);
    }

    /** Opens the streams {@link #connect} asked for; returns how many. */
    int openAsked()
    {
        int opened = 0;
        String channel;
        while ((channel = toConnect.poll()) != null)
        {
            get(channel);
            opened++;
        }
        return opened;
    }

    /** The stream to a peer's server, made if there is none yet; null if it cannot be made or all are closed. */
    ExclusivePublication get(final String channel)
    {
        ExclusivePublication publication = byChannel.get(channel);
        if (publication == null && !closed)
        {
            try
            {
                publication = aeron.addExclusivePublication(channel, streamId);
                byChannel.put(channel, publication);
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
                return null;
            }
        }
        return publication;
    }

    /** The stream took a frame: it works, so "not connected" on it later means its peer has gone. */
    void tookFrame(final ExclusivePublication publication)
    {
        if (!connectedOnce.contains(publication))
        {
            connectedOnce.add(publication);
        }
    }

    boolean hasTakenFrames(final ExclusivePublication publication)
    {
        return connectedOnce.contains(publication);
    }

    /** Whether an offer's result says the peer behind a stream that once worked has gone away. */
    boolean lost(final ExclusivePublication publication, final long result)
    {
        return result == Publication.NOT_CONNECTED && connectedOnce.contains(publication);
    }

    @Override
    public void close()
    {
        closed = true;
        CloseHelper.quietCloseAll(byChannel.values());
        byChannel.clear();
    }
}
