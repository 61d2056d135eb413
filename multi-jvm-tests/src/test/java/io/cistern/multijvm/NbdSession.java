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

    private long cookie;

    /** Writes {@code data} at {@code offset} (FUA) and returns the NBD error of the reply (0 for success). */
    int write(final long offset, final byte[] data) throws IOException
    {
        send(1, offset, data.length, data);
        return replyError(null);
    }

    /** Reads {@code length} bytes at {@code offset}; null if the server answered an error. */
    byte[] read(final long offset, final int length) throws IOException
    {
        send(0, offset, length, null);
        final byte[] data = new byte[length];
        return replyError(data) == 0 ? data : null;
    }

    private void send(final int type, final long offset, final int length, final byte[] payload) throws IOException
    {
        final ByteBuffer out = ByteBuffer.allocate(28 + (payload == null ? 0 : payload.length)).order(ByteOrder.BIG_ENDIAN);
        out.putInt(0x25609513).putShort((short)(type == 1 ? 1 : 0)).putShort((short)type).putLong(++cookie).putLong(offset)
            .putInt(length);
        if (payload != null)
        {
            out.put(payload);
        }
        out.flip();
        while (out.hasRemaining())
        {
            channel.write(out);
        }
    }

    private int replyError(final byte[] data) throws IOException
    {
        final ByteBuffer reply = read(16);
        if (reply.getInt() != 0x67446698)
        {
            throw new IOException("not a simple reply");
        }
        final int error = reply.getInt();
        if (reply.getLong() != cookie)
        {
            throw new IOException("reply to another request");
        }
        if (error == 0 && data != null)
        {
            read(data.length).get(data);
        }
        return error;
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
