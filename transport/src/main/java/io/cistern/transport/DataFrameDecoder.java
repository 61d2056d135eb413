package io.cistern.transport;

import org.agrona.DirectBuffer;

import static io.cistern.transport.DataFrame.CLIENT_ID_OFFSET;
import static io.cistern.transport.DataFrame.COPY_OFFSET;
import static io.cistern.transport.DataFrame.CORRELATION_ID_OFFSET;
import static io.cistern.transport.DataFrame.EPOCH_OFFSET;
import static io.cistern.transport.DataFrame.FLAGS_OFFSET;
import static io.cistern.transport.DataFrame.FLAG_FUA;
import static io.cistern.transport.DataFrame.LENGTH_OFFSET;
import static io.cistern.transport.DataFrame.OFFSET_OFFSET;
import static io.cistern.transport.DataFrame.SLAB_OFFSET;
import static io.cistern.transport.DataFrame.STATUS_OFFSET;
import static io.cistern.transport.DataFrame.TYPE_OFFSET;
import static io.cistern.transport.DataFrame.VOLUME_ID_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Reads a {@link DataFrame} header in place: a reusable flyweight over a received buffer, so decoding
 * allocates nothing. The caller checks that at least {@link DataFrame#HEADER_LENGTH} bytes are there.
 */
public final class DataFrameDecoder
{
    private DirectBuffer buffer;
    private int offset;

    public DataFrameDecoder wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int type()
    {
        return buffer.getShort(offset + TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public boolean fua()
    {
        return (flags() & FLAG_FUA) != 0;
    }

    public int status()
    {
        return buffer.getInt(offset + STATUS_OFFSET, LITTLE_ENDIAN);
    }

    public long correlationId()
    {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, LITTLE_ENDIAN);
    }

    public int clientId()
    {
        return buffer.getInt(offset + CLIENT_ID_OFFSET, LITTLE_ENDIAN);
    }

    public long volumeId()
    {
        return buffer.getLong(offset + VOLUME_ID_OFFSET, LITTLE_ENDIAN);
    }

    public int slab()
    {
        return buffer.getInt(offset + SLAB_OFFSET, LITTLE_ENDIAN);
    }

    public int copy()
    {
        return buffer.getInt(offset + COPY_OFFSET, LITTLE_ENDIAN);
    }

    public long epoch()
    {
        return buffer.getLong(offset + EPOCH_OFFSET, LITTLE_ENDIAN);
    }

    /** The byte offset within the extent (the header's Offset field, not this flyweight's position). */
    public long extentOffset()
    {
        return buffer.getLong(offset + OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public int length()
    {
        return buffer.getInt(offset + LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    @Override
    public String toString()
    {
        return "DataFrame{type=" + FrameType.describe(type()) +
            " flags=" + flags() +
            " status=" + status() +
            " correlationId=" + correlationId() +
            " clientId=" + clientId() +
            " volumeId=" + volumeId() +
            " slab=" + slab() +
            " copy=" + copy() +
            " epoch=" + epoch() +
            " offset=" + extentOffset() +
            " length=" + length() + "}";
    }
}
