package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ConcurrentPublication;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataStatus.BACK_PRESSURED;
import static io.cistern.transport.DataStatus.NOT_CONNECTED;
import static io.cistern.transport.DataStatus.OK;

/**
 * A {@link DataClient}'s request publications: one per server channel, created on first use and shared by
 * every calling thread, and the offer loop that sends a frame on one until its deadline. A server that
 * took a frame once and is no longer connected fails the send at once, so the caller fails over instead
 * of waiting for the deadline.
 */
final class ServerPublications implements AutoCloseable
{
    private final ConcurrentHashMap<String, ConcurrentPublication> publications = new ConcurrentHashMap<>();
    /** Publications that have taken a frame: NOT_CONNECTED on them means the server went away. */
    private final Set<ConcurrentPublication> connectedOnce = ConcurrentHashMap.newKeySet();
    private final Function<String, ConcurrentPublication> newPublication;

    ServerPublications(final Aeron aeron, final int requestStreamId)
    {
        this.newPublication = channel -> aeron.addPublication(channel, requestStreamId);
    }

    /** The publication to {@code serverChannel}, created if there is none yet. */
    ConcurrentPublication get(final String serverChannel)
    {
        final ConcurrentPublication publication = publications.get(serverChannel);
        return publication != null ? publication : publications.computeIfAbsent(serverChannel, newPublication);
    }

    /**
     * Offers a header and, unless {@code payload} is null, {@code length} bytes of payload until the
     * publication takes them or {@code deadline} passes.
     *
     * @return OK, {@link DataStatus#NOT_CONNECTED} or {@link DataStatus#BACK_PRESSURED}.
     */
    int send(final ConcurrentPublication publication, final DirectBuffer header, final DirectBuffer payload,
             final int payloadOffset, final int length, final long deadline)
    {
        int attempt = 0;
        while (true)
        {
            final long result = payload == null ?
                publication.offer(header, 0, HEADER_LENGTH) :
                publication.offer(header, 0, HEADER_LENGTH, payload, payloadOffset, length);
            if (result > 0)
            {
                if (!connectedOnce.contains(publication))
                {
                    connectedOnce.add(publication);
                }
                return OK;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                (result == Publication.NOT_CONNECTED && connectedOnce.contains(publication)))
            {
                // Closed, or a server that answered before has gone away: the caller fails over now
                // instead of at the deadline.
                return NOT_CONNECTED;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return result == Publication.NOT_CONNECTED ? NOT_CONNECTED : BACK_PRESSURED;
            }
            Backoff.pause(attempt++);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(publications.values());
        publications.clear();
    }
}
