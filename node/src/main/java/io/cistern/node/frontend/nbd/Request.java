package io.cistern.node.frontend.nbd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One transmission-phase request header (28 bytes, big-endian), decoded in place: a connection keeps
 * one and reuses it for every request, so parsing allocates nothing.
 * <pre>
 *  0               4       6       8                              16                              24              28
 *  +---------------+-------+-------+-------------------------------+-------------------------------+---------------+
 *  | magic         | flags | type  | cookie (handle)               | offset                        | length        |
 *  +---------------+-------+-------+-------------------------------+-------------------------------+---------------+
 * </pre>
 */
public final class Request
{
    /** What {@link #decode} found. */
    public enum Parse
    {
        OK,
        /** Fewer than 28 bytes: wait for more (or the peer went away mid-header). */
        SHORT,
        /** Not a request: the stream cannot be resynchronised, the connection must end. */
        BAD_MAGIC
    }

    int flags;
    int type;
    long cookie;
    long offset;
    long length;

    /** Decodes the header at the buffer's position; the position moves past it only when OK. */
    public Parse decode(final ByteBuffer buffer)
    {
        if (buffer.remaining() < Nbd.REQUEST_HEADER)
        {
            return Parse.SHORT;
        }
        final ByteBuffer in = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (in.getInt() != Nbd.REQUEST_MAGIC)
        {
            return Parse.BAD_MAGIC;
        }
        flags = Short.toUnsignedInt(in.getShort());
        type = Short.toUnsignedInt(in.getShort());
        cookie = in.getLong();
        offset = in.getLong();
        length = Integer.toUnsignedLong(in.getInt());
        buffer.position(buffer.position() + Nbd.REQUEST_HEADER);
        return Parse.OK;
    }

    /**
     * The error a well-formed request earns before any I/O, or 0 if it may go ahead: unknown command,
     * a length beyond what the server takes, or a range past the end of the export.
     */
    public int check(final long exportSize)
    {
        switch (type)
        {
            case Nbd.CMD_READ:
            case Nbd.CMD_WRITE:
                if (length > Nbd.MAX_PAYLOAD)
                {
                    return Nbd.EOVERFLOW;
                }
                return inRange(exportSize) ? 0 : Nbd.EINVAL;
            case Nbd.CMD_TRIM:
            case Nbd.CMD_WRITE_ZEROES:
                return inRange(exportSize) ? 0 : Nbd.EINVAL;
            case Nbd.CMD_FLUSH:
            case Nbd.CMD_DISC:
                return 0;
            default:
                return Nbd.EINVAL;
        }
    }

    private boolean inRange(final long exportSize)
    {
        // offset and length are unsigned on the wire; offset as a long may be negative when huge.
        return offset >= 0 && offset <= exportSize && length <= exportSize - offset;
    }

    /** Bytes of payload that follow this header on the wire (only a write carries any). */
    public long payloadLength()
    {
        return type == Nbd.CMD_WRITE ? length : 0;
    }

    public int flags()
    {
        return flags;
    }

    public int type()
    {
        return type;
    }

    public long cookie()
    {
        return cookie;
    }

    public long offset()
    {
        return offset;
    }

    public long length()
    {
        return length;
    }

    public boolean fua()
    {
        return (flags & Nbd.CMD_FLAG_FUA) != 0;
    }
}
