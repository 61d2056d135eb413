package io.cistern.transport;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import static io.cistern.transport.DataFrame.FLAG_AGAIN;
import static io.cistern.transport.DataFrame.FLAG_FUA;
import static io.cistern.transport.DataStatus.BACK_PRESSURED;
import static io.cistern.transport.DataStatus.IO_ERROR;
import static io.cistern.transport.DataStatus.MALFORMED;
import static io.cistern.transport.DataStatus.NOT_CONNECTED;
import static io.cistern.transport.DataStatus.NOT_PRIMARY;
import static io.cistern.transport.DataStatus.NO_SUCH_EXTENT;
import static io.cistern.transport.DataStatus.OK;
import static io.cistern.transport.DataStatus.STALE_EPOCH;

/**
 * The primary's part of a data server: the requests it orders for the slabs whose primary copy is here
 * ({@link FrameType#SEQUENCED_WRITE}, {@link FrameType#COMPARE_AND_WRITE}, {@link FrameType#REPAIR}). It
 * writes its own copy and fans the request out through the {@link Forwarder} to the slab's other copies,
 * in the order the server's one thread takes them, so every copy sees the slab's writes in one order and
 * a compare-and-write is one step against every other write of the slab, from whichever node.
 * <p>
 * Runs on the data server's thread and shares its decoder; allocates nothing.
 */
final class Sequencer
{
    /** Not a status: the answer comes later, from {@link DataServer#complete}. */
    static final int PENDING = Integer.MIN_VALUE;

    private final DataServer origin;
    private final Forwarder forwarder;
    private final ExtentRequests extentRequests;
    private final DataFrameDecoder request;
    private final UnsafeBuffer repairBuffer;
    private final ServerCounters counters;
    private final ErrorHandler errorHandler;
    private final int[] mirrorCopies = new int[DataClient.MAX_COPIES];
    private final String[] mirrorChannels = new String[DataClient.MAX_COPIES];
    private final boolean[] mirrorInSync = new boolean[DataClient.MAX_COPIES];

    /**
     * @param request      the server's decoder, wrapped on the request being handled.
     * @param repairBuffer room for one payload: a repair's good bytes, a compare-and-write's stored ones.
     */
    Sequencer(final DataServer origin, final Forwarder forwarder, final ExtentRequests extentRequests,
              final DataFrameDecoder request, final UnsafeBuffer repairBuffer, final ServerCounters counters,
              final ErrorHandler errorHandler)
    {
        this.origin = origin;
        this.forwarder = forwarder;
        this.extentRequests = extentRequests;
        this.request = request;
        this.repairBuffer = repairBuffer;
        this.counters = counters;
        this.errorHandler = errorHandler;
    }

    /** A sequenced request: its status now, or {@link #PENDING} if the forwarder answers it later. */
    int handle(final ReplyPublications.Target target, final int maxPayloadLength, final DirectBuffer buffer, final int offset,
               final int length)
    {
        final ForwardedRequest p = forwarder.acquire();
        if (p == null)
        {
            return BACK_PRESSURED;
        }
        try
        {
            final int payloadOffset = offset + DataFrame.PAYLOAD_OFFSET;
            final int payloadLength = length - DataFrame.HEADER_LENGTH;
            final int status;
            switch (request.type())
            {
                case FrameType.SEQUENCED_WRITE:
                    status = sequencedWrite(p, target, maxPayloadLength, buffer, payloadOffset, payloadLength);
                    break;
                case FrameType.COMPARE_AND_WRITE:
                    status = compareAndWrite(p, target, maxPayloadLength, buffer, payloadOffset, payloadLength);
                    break;
                default:
                    status = repair(p, target, maxPayloadLength);
                    break;
            }
            if (status != PENDING)
            {
                forwarder.release(p);
            }
            return status;
        }
        catch (final RuntimeException ex)
        {
            forwarder.release(p);
            counters.errors.incrementRelease();
            errorHandler.onError(ex);
            return IO_ERROR;
        }
    }

    private int sequencedWrite(final ForwardedRequest p, final ReplyPublications.Target target, final int maxPayloadLength,
                               final DirectBuffer buffer, final int payloadOffset, final int payloadLength)
    {
        int status = extentRequests.checkWrite(request, maxPayloadLength, payloadLength);
        if (status == OK)
        {
            status = primary(request.copy());
        }
        return status != OK ? status : fanOut(p, target, buffer, payloadOffset, payloadLength);
    }

    /**
     * Compares the first half of the payload with this primary's copy and, if equal, sequences the second half
     * as a write. Nothing else of the slab's is taken meanwhile (one thread), so the two are one step.
     */
    private int compareAndWrite(final ForwardedRequest p, final ReplyPublications.Target target, final int maxPayloadLength,
                                final DirectBuffer buffer, final int payloadOffset, final int payloadLength)
    {
        int status = extentRequests.checkWrite(request, maxPayloadLength, payloadLength);
        if (status == OK && (payloadLength == 0 || (payloadLength & 1) != 0))
        {
            status = MALFORMED;
        }
        if (status == OK)
        {
            status = primary(request.copy());
        }
        if (status != OK)
        {
            return status;
        }
        final int half = payloadLength >> 1;
        final int read = ExtentRequests.sanitize(extentRequests.io().read(request.volumeId(), request.slab(), request.copy(),
            request.extentOffset(), half, repairBuffer, 0));
        if (read != OK)
        {
            return read;
        }
        final int mismatch = mismatch(repairBuffer, buffer, payloadOffset, half);
        // Sent again after an unknown outcome: bytes already equal to the write half are that attempt's; the
        // write is sequenced again all the same, so copies it did not reach get it too.
        if (mismatch >= 0 && ((request.flags() & FLAG_AGAIN) == 0 || mismatch(repairBuffer, buffer, payloadOffset + half, half) >= 0))
        {
            return DataStatus.miscompare(mismatch);
        }
        return fanOut(p, target, buffer, payloadOffset + half, half);
    }

    /** The first index at which {@code stored} and {@code buffer} from {@code at} differ over {@code length} bytes, or -1. */
    private static int mismatch(final UnsafeBuffer stored, final DirectBuffer buffer, final int at, final int length)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (stored.getLong(i) != buffer.getLong(at + i))
            {
                break;
            }
        }
        for (; i < length; i++)
        {
            if (stored.getByte(i) != buffer.getByte(at + i))
            {
                return i;
            }
        }
        return -1;
    }

    /** Writes the primary's copy, then every other in-sync or resyncing copy of the slab, in this order. */
    private int fanOut(final ForwardedRequest p, final ReplyPublications.Target target, final DirectBuffer buffer,
                       final int payloadOffset, final int payloadLength)
    {
        final ExtentIo io = extentRequests.io();
        final int mirrors = io.mirrors(request.volumeId(), request.slab(), mirrorCopies, mirrorChannels, mirrorInSync);
        if (mirrors < 0)
        {
            return mirrors;
        }
        final int status = ExtentRequests.sanitize(io.write(request.volumeId(), request.slab(), request.copy(),
            request.extentOffset(), buffer, payloadOffset, payloadLength, request.fua()));
        if (status != OK)
        {
            // The primary's copy did not take it: the others are not sent it either, so they stay alike.
            return status;
        }
        forwarder.overwritten(request.volumeId(), request.slab(), request.extentOffset(), payloadLength);
        int remote = 0;
        int missed = 0;
        for (int i = 0; i < mirrors; i++)
        {
            final String channel = mirrorChannels[i];
            if (channel == null)
            {
                final int local = ExtentRequests.sanitize(io.write(request.volumeId(), request.slab(), mirrorCopies[i],
                    request.extentOffset(), buffer, payloadOffset, payloadLength, request.fua()));
                missed |= local == OK ? 0 : 1 << mirrorCopies[i];
            }
            else if (channel.equals(ExtentIo.UNREACHABLE))
            {
                missed |= 1 << mirrorCopies[i];
            }
            else
            {
                remote++;
            }
        }
        if (remote == 0)
        {
            return missed == 0 ? OK : DataStatus.degraded(missed);
        }
        forwarder.begin(p, Forwarder.MIRROR, origin, target, request, remote);
        // What the copies are sent: for a compare-and-write, its write half only.
        p.length = payloadLength;
        p.missed = missed;
        for (int i = 0; i < mirrors; i++)
        {
            p.inSyncMask |= mirrorInSync[i] ? 1 << mirrorCopies[i] : 0;
        }
        for (int i = 0; i < mirrors; i++)
        {
            final String channel = mirrorChannels[i];
            if (channel != null && !channel.equals(ExtentIo.UNREACHABLE))
            {
                forwarder.send(p, FrameType.WRITE, request.flags() & FLAG_FUA, mirrorCopies[i], channel, buffer, payloadOffset);
            }
        }
        forwarder.sent(p);
        return PENDING;
    }

    /**
     * Rewrites a copy's range from a good one. From this node's primary copy when the bad copy is another;
     * when the primary's own copy is the bad one, from another copy, fetched (and dropped if a write to the
     * range overtakes the fetch: see {@link Forwarder#overwritten}).
     */
    private int repair(final ForwardedRequest p, final ReplyPublications.Target target, final int maxPayloadLength)
    {
        final int length = request.length();
        final long at = request.extentOffset();
        if (length <= 0 || at < 0)
        {
            return MALFORMED;
        }
        if (length > maxPayloadLength)
        {
            return DataStatus.TOO_LARGE;
        }
        if (extentRequests.epoch(request.volumeId(), request.slab()) != request.epoch())
        {
            return STALE_EPOCH;
        }
        final ExtentIo io = extentRequests.io();
        final int primary = io.primaryCopy(request.volumeId(), request.slab());
        if (primary < 0)
        {
            return primary;
        }
        final int mirrors = io.mirrors(request.volumeId(), request.slab(), mirrorCopies, mirrorChannels, mirrorInSync);
        if (mirrors < 0)
        {
            return mirrors;
        }
        final int bad = request.copy();
        if (bad != primary)
        {
            final int index = indexOf(bad, mirrors);
            if (index < 0)
            {
                return NO_SUCH_EXTENT; // not a copy that takes writes: a resync, not a repair, brings it back
            }
            final int read = ExtentRequests.sanitize(io.read(request.volumeId(), request.slab(), primary, at, length, repairBuffer, 0));
            if (read != OK)
            {
                return read;
            }
            if (mirrorChannels[index] == null)
            {
                return ExtentRequests.sanitize(io.write(request.volumeId(), request.slab(), bad, at, repairBuffer, 0, length, true));
            }
            if (mirrorChannels[index].equals(ExtentIo.UNREACHABLE))
            {
                return NOT_CONNECTED;
            }
            forwarder.begin(p, Forwarder.REPAIR_WRITE, origin, target, request, 1);
            forwarder.send(p, FrameType.WRITE, FLAG_FUA, bad, mirrorChannels[index], repairBuffer, 0);
            forwarder.sent(p);
            return PENDING;
        }
        // The primary's copy is the bad one: a good copy on this node if there is one, else a peer's.
        int source = -1;
        for (int i = 0; i < mirrors; i++)
        {
            if (!mirrorInSync[i])
            {
                continue;
            }
            if (mirrorChannels[i] == null)
            {
                final int good = mirrorCopies[i];
                final int read = ExtentRequests.sanitize(io.read(request.volumeId(), request.slab(), good, at, length, repairBuffer, 0));
                return read != OK ? read :
                    ExtentRequests.sanitize(io.write(request.volumeId(), request.slab(), primary, at, repairBuffer, 0, length, true));
            }
            if (source < 0 && !mirrorChannels[i].equals(ExtentIo.UNREACHABLE))
            {
                source = i;
            }
        }
        if (source < 0)
        {
            return NO_SUCH_EXTENT;
        }
        forwarder.begin(p, Forwarder.REPAIR_FETCH, origin, target, request, 1);
        forwarder.send(p, FrameType.READ, 0, mirrorCopies[source], mirrorChannels[source], null, 0);
        forwarder.sent(p);
        return PENDING;
    }

    private int primary(final int copy)
    {
        final int primary = extentRequests.io().primaryCopy(request.volumeId(), request.slab());
        return primary < 0 ? primary : (primary == copy ? OK : NOT_PRIMARY);
    }

    private int indexOf(final int copy, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (mirrorCopies[i] == copy)
            {
                return i;
            }
        }
        return -1;
    }
}
