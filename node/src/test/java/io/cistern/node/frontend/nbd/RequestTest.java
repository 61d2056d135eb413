package io.cistern.node.frontend.nbd;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestTest
{
    private static final long SIZE = 1L << 30;

    static ByteBuffer header(final int magic, final int flags, final int type, final long cookie, final long offset, final int length)
    {
        final ByteBuffer b = ByteBuffer.allocate(Nbd.REQUEST_HEADER).order(ByteOrder.BIG_ENDIAN);
        b.putInt(magic).putShort((short)flags).putShort((short)type).putLong(cookie).putLong(offset).putInt(length).flip();
        return b;
    }

    private static Request decoded(final int flags, final int type, final long offset, final int length)
    {
        final Request request = new Request();
        assertEquals(Request.Parse.OK, request.decode(header(Nbd.REQUEST_MAGIC, flags, type, 0x1122334455667788L, offset, length)));
        return request;
    }

    @Test
    void decodesEveryCommand()
    {
        for (final int type : new int[] {Nbd.CMD_READ, Nbd.CMD_WRITE, Nbd.CMD_DISC, Nbd.CMD_FLUSH, Nbd.CMD_TRIM, Nbd.CMD_WRITE_ZEROES})
        {
            final Request request = decoded(Nbd.CMD_FLAG_FUA, type, 4096, 512);
            assertEquals(type, request.type());
            assertEquals(0x1122334455667788L, request.cookie());
            assertEquals(4096, request.offset());
            assertEquals(512, request.length());
            assertTrue(request.fua());
            assertEquals(0, request.check(SIZE), "command " + type);
            assertEquals(type == Nbd.CMD_WRITE ? 512 : 0, request.payloadLength());
        }
    }

    @Test
    void waitsForAShortHeader()
    {
        final ByteBuffer partial = header(Nbd.REQUEST_MAGIC, 0, Nbd.CMD_READ, 1, 0, 512);
        partial.limit(27);
        assertEquals(Request.Parse.SHORT, new Request().decode(partial));
        assertEquals(0, partial.position(), "nothing consumed");
    }

    @Test
    void refusesABadMagic()
    {
        assertEquals(Request.Parse.BAD_MAGIC, new Request().decode(header(0x12345678, 0, Nbd.CMD_READ, 1, 0, 512)));
    }

    @Test
    void refusesLengthsBeyondTheMaximum()
    {
        assertEquals(Nbd.EOVERFLOW, decoded(0, Nbd.CMD_READ, 0, Nbd.MAX_PAYLOAD + 1).check(SIZE));
        assertEquals(Nbd.EOVERFLOW, decoded(0, Nbd.CMD_WRITE, 0, -1).check(SIZE), "0xffffffff is 4 GiB, not -1");
        assertEquals(0, decoded(0, Nbd.CMD_WRITE_ZEROES, 0, -1).check(8L << 30), "zeroing needs no payload buffer");
    }

    @Test
    void refusesRangesPastTheEnd()
    {
        assertEquals(Nbd.EINVAL, decoded(0, Nbd.CMD_READ, SIZE - 4096, 8192).check(SIZE));
        assertEquals(Nbd.EINVAL, decoded(0, Nbd.CMD_TRIM, SIZE + 1, 0).check(SIZE));
        assertEquals(Nbd.EINVAL, decoded(0, Nbd.CMD_WRITE, -4096, 4096).check(SIZE), "an offset of 2^64-4096 is not negative");
        assertEquals(0, decoded(0, Nbd.CMD_READ, SIZE - 4096, 4096).check(SIZE), "the last block is fine");
    }

    @Test
    void refusesUnknownCommands()
    {
        assertEquals(Nbd.EINVAL, decoded(0, 42, 0, 0).check(SIZE));
    }
}
