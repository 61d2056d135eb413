package io.cistern.transport;

import org.agrona.MutableDirectBuffer;

import static io.cistern.transport.DataFrame.CLIENT_ID_OFFSET;
import static io.cistern.transport.DataFrame.COPY_OFFSET;
import static io.cistern.transport.DataFrame.CORRELATION_ID_OFFSET;
import static io.cistern.transport.DataFrame.EPOCH_OFFSET;
import static io.cistern.transport.DataFrame.FLAGS_OFFSET;
import static io.cistern.transport.DataFrame.LENGTH_OFFSET;
import static io.cistern.transport.DataFrame.OFFSET_OFFSET;
import static io.cistern.transport.DataFrame.SLAB_OFFSET;
import static io.cistern.transport.DataFrame.STATUS_OFFSET;
import static io.cistern.transport.DataFrame.TYPE_OFFSET;
import static io.cistern.transport.DataFrame.VOLUME_ID_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Writes a {@link DataFrame} header into a buffer: a reusable flyweight, one per writer, so encoding
 * allocates nothing. Every field of the header is written on each use; the payload is the caller's.
 */
public final class DataFrameEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;

    public DataFrameEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /** @param type a {@link FrameType}, stored as an unsigned 16-bit value. */
    public DataFrameEncoder type(final int type)
    {
        buffer.putShort(offset + TYPE_OFFSET, (short)type, LITTLE_ENDIAN);
        return this;
    }

    /** @param flags {@link DataFrame#FLAG_FUA} or zero, stored as an unsigned 16-bit value. */
    public DataFrameEncoder flags(final int flags)
    {
        buffer.putShort(offset + FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder status(final int status)
    {
        buffer.putInt(offset + STATUS_OFFSET, status, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder correlationId(final long correlationId)
    {
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder clientId(final int clientId)
    {
        buffer.putInt(offset + CLIENT_ID_OFFSET, clientId, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder volumeId(final long volumeId)
    {
        buffer.putLong(offset + VOLUME_ID_OFFSET, volumeId, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder slab(final int slab)
    {
        buffer.putInt(offset + SLAB_OFFSET, slab, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder copy(final int copy)
    {
        buffer.putInt(offset + COPY_OFFSET, copy, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder epoch(final long epoch)
    {
        buffer.putLong(offset + EPOCH_OFFSET, epoch, LITTLE_ENDIAN);
        return this;
    }

    /** @param extentOffset the byte offset within the extent (the header's Offset field). */
    public DataFrameEncoder extentOffset(final long extentOffset)
    {
        buffer.putLong(offset + OFFSET_OFFSET, extentOffset, LITTLE_ENDIAN);
        return this;
    }

    public DataFrameEncoder length(final int length)
    {
        buffer.putInt(offset + LENGTH_OFFSET, length, LITTLE_ENDIAN);
        return this;
    }
}
