package io.cistern.transport;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static io.cistern.transport.DataFrame.COPY_OFFSET;
import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataFrame.PAYLOAD_OFFSET;
import static io.cistern.transport.DataStatus.NOT_CONNECTED;

/**
 * The one forwarded frame that some peers' streams could not take yet (see {@link Forwarder}): a copy of it,
 * the streams it still waits for, and when to stop waiting on each. While it is held the data servers take
 * no new requests, so the order of a slab's writes holds on every copy. Forwarder thread only.
 */
final class StuckForward
{
    /** How long a peer's stream may take nothing at all (its flow-control limit frozen) before a forward to it counts as missed. */
    static final long STUCK_LIMIT_NS = 1_000_000_000L;

    /** Told of each peer the held frame gives up on. */
    interface Answers
    {
        void answered(ForwardedRequest p, int copy, int status);
    }

    private final PeerPublications publications;
    private final Answers answers;
    private final UnsafeBuffer stuckFrame;
    private final ExclusivePublication[] stuckPublications = new ExclusivePublication[DataClient.MAX_COPIES];
    private final int[] stuckCopies = new int[DataClient.MAX_COPIES];
    /** Each stuck stream's flow-control limit when last seen, and when it last moved. */
    private final long[] stuckLimits = new long[DataClient.MAX_COPIES];
    private final long[] stuckMovedNs = new long[DataClient.MAX_COPIES];
    private int stuckCount;
    private int stuckLength;
    private ForwardedRequest stuckFor;

    StuckForward(final int maxPayloadLength, final PeerPublications publications, final Answers answers)
    {
        this.publications = publications;
        this.answers = answers;
        this.stuckFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(HEADER_LENGTH + maxPayloadLength, BitUtil.CACHE_LINE_LENGTH), BitUtil.CACHE_LINE_LENGTH));
    }

    boolean isStuck()
    {
        return stuckCount > 0;
    }

    boolean isFor(final ForwardedRequest p)
    {
        return p == stuckFor;
    }

    /** Keeps a copy of the frame (header, and payload if any) of {@code p} that a stream could not take. */
    void hold(final ForwardedRequest p, final DirectBuffer header, final DirectBuffer payload, final int payloadOffset,
              final int payloadLength)
    {
        stuckFrame.putBytes(0, header, 0, HEADER_LENGTH);
        if (payload != null)
        {
            stuckFrame.putBytes(PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        }
        stuckLength = HEADER_LENGTH + payloadLength;
        stuckFor = p;
    }

    /** Adds a peer's stream to those the held frame waits for. */
    void add(final ExclusivePublication publication, final int peerCopy)
    {
        stuckPublications[stuckCount] = publication;
        stuckLimits[stuckCount] = publication.positionLimit();
        stuckMovedNs[stuckCount] = System.nanoTime();
        stuckCopies[stuckCount++] = peerCopy;
    }

    /** Offers the held frame again to each stream that has not taken it; returns how many took it now. */
    int retry()
    {
        int sent = 0;
        int kept = 0;
        final long now = System.nanoTime();
        final boolean late = now - stuckFor.deadlineNs >= 0;
        // A peer whose stream once worked and whose flow-control limit has not moved for STUCK_LIMIT_NS is
        // dead or standing still (a killed node's stream keeps saying "back pressured" until Aeron notices it
        // is gone, 5 s): it misses this write rather than hold up every other request, and every other copy's
        // forwards, until the deadline. A peer that is slow but taking frames moves the limit and keeps the
        // whole deadline: giving up on those after a second marked live copies stale under load. A stream
        // still being set up (never connected) keeps the whole deadline too.
        // Giving up early on in-sync copies is for a peer that died, not for peers that are merely slow: if
        // doing so would leave fewer than a majority of the in-sync copies (several peers stuck at once is
        // overload, not several deaths), those keep the whole deadline. Copies being rebuilt do not count.
        // The in-sync copies are the primary's own and those in the mask.
        final int inSync = 1 + Integer.bitCount(stuckFor.inSyncMask);
        int earlyBudget = inSync - quorum(inSync) -
            Integer.bitCount((stuckFor.missed | stuckFor.failed) & stuckFor.inSyncMask);
        for (int i = 0; i < stuckCount; i++)
        {
            stuckFrame.putInt(COPY_OFFSET, stuckCopies[i], ByteOrder.LITTLE_ENDIAN);
            final long result = stuckPublications[i].offer(stuckFrame, 0, stuckLength);
            final long limit = stuckPublications[i].positionLimit();
            if (limit != stuckLimits[i])
            {
                stuckLimits[i] = limit;
                stuckMovedNs[i] = now;
            }
            final boolean frozen = now - stuckMovedNs[i] > STUCK_LIMIT_NS;
            if (result > 0)
            {
                sent++;
                publications.tookFrame(stuckPublications[i]);
            }
            else if (late || result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                publications.lost(stuckPublications[i], result) ||
                (frozen && publications.hasTakenFrames(stuckPublications[i]) &&
                    ((stuckFor.inSyncMask & 1 << stuckCopies[i]) == 0 || earlyBudget-- > 0)))
            {
                answers.answered(stuckFor, stuckCopies[i], result == Publication.BACK_PRESSURED ? DataStatus.BACK_PRESSURED : NOT_CONNECTED);
            }
            else
            {
                stuckPublications[kept] = stuckPublications[i];
                stuckLimits[kept] = stuckLimits[i];
                stuckMovedNs[kept] = stuckMovedNs[i];
                stuckCopies[kept++] = stuckCopies[i];
            }
        }
        for (int i = kept; i < stuckCount; i++)
        {
            stuckPublications[i] = null;
        }
        stuckCount = kept;
        if (kept == 0)
        {
            stuckFor = null; // the frame is forgotten
        }
        return sent;
    }

    /** How many in-sync copies a write needs, of {@code inSync}: a majority, one of two (as the front end counts). */
    static int quorum(final int inSync)
    {
        return inSync <= 2 ? 1 : inSync / 2 + 1;
    }
}
