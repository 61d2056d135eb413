package io.cistern.multijvm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * An NBD client that only negotiates an export (fixed newstyle, NBD_OPT_GO) and then holds the
 * connection open: what a mounted disk looks like to the cluster, without a kernel client.
 */
final class NbdSession implements AutoCloseable
{
    private static final long IHAVEOPT = 0x49484156454F5054L;
    private static final int OPT_GO = 7;
    private static final int REP_ACK = 1;

    private final SocketChannel channel;

    NbdSession(final int port, final String export) throws IOException
    {
        channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        read(18);
        final byte[] name = export.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer out = ByteBuffer.allocate(4 + 16 + 4 + name.length + 2).order(ByteOrder.BIG_ENDIAN);
        out.putInt(3).putLong(IHAVEOPT).putInt(OPT_GO).putInt(4 + name.length + 2).putInt(name.length).put(name).putShort((short)0);
        out.flip();
        while (out.hasRemaining())
        {
            channel.write(out);
        }
        while (true)
        {
            final ByteBuffer reply = read(20);
            reply.getLong();
            reply.getInt();
            final int type = reply.getInt();
            read(reply.getInt());
            if (type == REP_ACK)
            {
                return;
            }
            if (type < 0)
            {
                throw new IOException("export " + export + " refused with reply type " + Integer.toHexString(type));
            }
        }
    }

    private ByteBuffer read(final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new IOException("server closed the connection");
            }
        }
        return buffer.flip();
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
