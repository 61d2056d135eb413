package io.cistern.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.cistern.transport.DataStatus.IO_ERROR;
import static io.cistern.transport.DataStatus.MALFORMED;
import static io.cistern.transport.DataStatus.OK;
import static io.cistern.transport.DataStatus.STALE_EPOCH;
import static io.cistern.transport.DataStatus.TOO_LARGE;

/**
 * The data server's decision for one request: are its arguments sane, is its layout epoch the one this
 * node knows, and only then the I/O through {@link ExtentIo}. It neither decodes frames nor sends replies.
 * <p>
 * Fencing: a READ or WRITE whose epoch is not exactly {@link ExtentIo#epoch} for its slab is refused with
 * {@link DataStatus#STALE_EPOCH} and no I/O is done. Older means the client acts on a stale layout (a
 * front-end that missed a reconfiguration must not write to an extent that may no longer be in sync);
 * newer means this server has not yet learned the new layout. Either way the client refetches the layout
 * and retries. An unknown slab (epoch -1) is refused the same way. FLUSH names only a volume and is not
 * fenced: making acknowledged writes durable is safe under any layout.
 */
final class ExtentRequests
{
    private final ExtentIo extentIo;
    private long serverEpoch = -1;

    ExtentRequests(final ExtentIo extentIo)
    {
        this.extentIo = extentIo;
    }

    /** The epoch this server knew at the last fence check: what a STALE_EPOCH reply tells the client. */
    long serverEpoch()
    {
        return serverEpoch;
    }

    int read(final DataFrameDecoder request, final int maxPayloadLength, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int length = request.length();
        if (length < 0 || request.extentOffset() < 0)
        {
            return MALFORMED;
        }
        if (length > maxPayloadLength)
        {
            return TOO_LARGE;
        }
        if (!isCurrent(request))
        {
            return STALE_EPOCH;
        }
        return sanitize(extentIo.read(
            request.volumeId(), request.slab(), request.copy(), request.extentOffset(), length, dst, dstOffset));
    }

    int write(
        final DataFrameDecoder request,
        final int maxPayloadLength,
        final DirectBuffer src,
        final int srcOffset,
        final int payloadLength)
    {
        final int checked = checkWrite(request, maxPayloadLength, payloadLength);
        if (checked != OK)
        {
            return checked;
        }
        return sanitize(extentIo.write(
            request.volumeId(), request.slab(), request.copy(), request.extentOffset(), src, srcOffset, payloadLength,
            request.fua()));
    }

    /** A write-intent map, fenced like a read: the map of a layout the client does not hold is no use to it. */
    int dirtyMap(final DataFrameDecoder request, final int maxPayloadLength, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int length = request.length();
        if (length < 16 || request.extentOffset() != 0)
        {
            return MALFORMED;
        }
        if (length > maxPayloadLength)
        {
            return TOO_LARGE;
        }
        if (!isCurrent(request))
        {
            return STALE_EPOCH;
        }
        return sanitize(extentIo.dirtyMap(request.volumeId(), request.slab(), dst, dstOffset, length));
    }

    /** The checks of {@link #write} without the write: OK, or why the write must not be done. */
    int checkWrite(final DataFrameDecoder request, final int maxPayloadLength, final int payloadLength)
    {
        final int length = request.length();
        if (length != payloadLength || request.extentOffset() < 0)
        {
            return MALFORMED;
        }
        if (length > maxPayloadLength)
        {
            return TOO_LARGE;
        }
        return isCurrent(request) ? OK : STALE_EPOCH;
    }

    /** Checks the fence for a slab: the epoch this server knows for it, remembered for a STALE_EPOCH answer. */
    long epoch(final long volumeId, final int slab)
    {
        serverEpoch = extentIo.epoch(volumeId, slab);
        return serverEpoch;
    }

    ExtentIo io()
    {
        return extentIo;
    }

    int flush(final DataFrameDecoder request)
    {
        return sanitize(extentIo.flush(request.volumeId()));
    }

    int fence(final DataFrameDecoder request)
    {
        return request.epoch() < 0 ? DataStatus.MALFORMED :
            sanitize(extentIo.fence(request.volumeId(), request.slab(), request.epoch()));
    }

    private boolean isCurrent(final DataFrameDecoder request)
    {
        serverEpoch = extentIo.epoch(request.volumeId(), request.slab());
        return serverEpoch >= 0 && serverEpoch == request.epoch();
    }

    /** A positive "status" is an implementation returning a byte count by mistake: not a success. */
    static int sanitize(final int status)
    {
        return status > OK ? IO_ERROR : status;
    }
}
