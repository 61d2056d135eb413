package io.cistern.node.frontend.iscsi;

import java.nio.ByteBuffer;

/**
 * The fields of a basic header segment (RFC 7143 section 11.2.1), read and written in place in a 48-byte
 * buffer: a PDU is never copied into an object.
 */
final class Bhs
{
    private Bhs()
    {
    }

    static int opcode(final ByteBuffer h)
    {
        return h.get(0) & 0x3f;
    }

    static boolean immediate(final ByteBuffer h)
    {
        return (h.get(0) & Iscsi.IMMEDIATE) != 0;
    }

    static int flags(final ByteBuffer h)
    {
        return h.get(1) & 0xff;
    }

    static int ahsLength(final ByteBuffer h)
    {
        return (h.get(4) & 0xff) * 4;
    }

    static int dataLength(final ByteBuffer h)
    {
        return h.getInt(4) & 0x00ff_ffff;
    }

    static long lun(final ByteBuffer h)
    {
        return h.getLong(8);
    }

    /** The LUN a SCSI command addresses, from the first level of the 8-byte LUN structure (SAM-5 4.7). */
    static int lunNumber(final ByteBuffer h)
    {
        return (h.getShort(8) & 0x3fff);
    }

    static int itt(final ByteBuffer h)
    {
        return h.getInt(16);
    }

    static int word(final ByteBuffer h, final int at)
    {
        return h.getInt(at);
    }

    /** Clears {@code h} and sets opcode, flags and data segment length: a new target PDU. */
    static void start(final ByteBuffer h, final int opcode, final int flags, final int dataLength)
    {
        h.clear();
        for (int i = 0; i < Iscsi.BHS; i += 8)
        {
            h.putLong(i, 0);
        }
        h.put(0, (byte)opcode);
        h.put(1, (byte)flags);
        h.putInt(4, dataLength & 0x00ff_ffff);
    }

    static int padding(final int length)
    {
        return -length & 3;
    }
}
