package io.cistern.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One data-plane request, filled in place: which server, which extent under which layout epoch, which
 * range, and the bytes it carries or the buffer its answer goes to. A caller keeps one per thread and
 * refills it for each request, so nothing is allocated per I/O; {@link DataClient} reads it and encodes
 * the frame. Setters return this, so a request reads as one line:
 * <pre>{@code
 * client.read(request.server(channel).extent(volumeId, slab, copy, epoch).at(offset, length).into(dst, 0));
 * }</pre>
 */
public final class DataRequest
{
    String serverChannel;
    long volumeId;
    int slab;
    int copy;
    long epoch;
    long offset;
    int length;
    boolean fua;
    DirectBuffer payload;
    MutableDirectBuffer destination;
    int bufferOffset;
    long timeoutNs;

    /** The channel of the data server that is asked. */
    public DataRequest server(final String channel)
    {
        this.serverChannel = channel;
        return this;
    }

    /**
     * The extent: copy {@code copy} of slab {@code slab} of volume {@code volumeId}, under layout {@code epoch}
     * (a server that knows another epoch refuses). For a repair, {@code copy} is the copy to rewrite; for a
     * sequenced write, the sequencer's own.
     */
    public DataRequest extent(final long volumeId, final int slab, final int copy, final long epoch)
    {
        this.volumeId = volumeId;
        this.slab = slab;
        this.copy = copy;
        this.epoch = epoch;
        return this;
    }

    /** The range within the extent. Resets the buffers, FUA and the wait, which each request sets anew. */
    public DataRequest at(final long offset, final int length)
    {
        this.offset = offset;
        this.length = length;
        this.payload = null;
        this.destination = null;
        this.bufferOffset = 0;
        this.fua = false;
        this.timeoutNs = 0;
        return this;
    }

    /**
     * Waits at most {@code timeoutNs} for the answer (capped by the data plane's request timeout), e.g. a read
     * that another copy could serve if this one is slow. 0: the request timeout.
     */
    public DataRequest within(final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        return this;
    }

    /** A write's bytes: {@code length} of them from {@code src} at {@code srcOffset}. */
    public DataRequest from(final DirectBuffer src, final int srcOffset)
    {
        this.payload = src;
        this.bufferOffset = srcOffset;
        return this;
    }

    /** Where a read's bytes go: {@code length} of them into {@code dst} at {@code dstOffset}. */
    public DataRequest into(final MutableDirectBuffer dst, final int dstOffset)
    {
        this.destination = dst;
        this.bufferOffset = dstOffset;
        return this;
    }

    /** Force unit access: the server answers once the bytes are durable. */
    public DataRequest fua(final boolean fua)
    {
        this.fua = fua;
        return this;
    }

    @Override
    public String toString()
    {
        return "DataRequest(" + serverChannel + ", volume " + volumeId + ", slab " + slab + ", copy " + copy + ", epoch " + epoch +
            ", " + length + " bytes at " + offset + (fua ? ", fua" : "") + ")";
    }
}
