package io.cistern.node.frontend.iscsi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * Sends the target's PDUs on one connection, from any thread, one at a time: a header built in one reused
 * buffer, stamped with the connection's StatSN and the session's ExpCmdSN and MaxCmdSN as it goes out
 * (so status numbers leave in order), then the data segment and its padding in one gathering write.
 */
final class PduWriter
{
    private final SocketChannel channel;
    private final CommandWindow window;
    private final ByteBuffer header = ByteBuffer.allocateDirect(Iscsi.BHS).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer padding = ByteBuffer.allocateDirect(4);
    private final ByteBuffer[] parts = new ByteBuffer[3];
    private int statSN;

    PduWriter(final SocketChannel channel, final CommandWindow window)
    {
        this.channel = channel;
        this.window = window;
    }

    /** The header to fill for the next PDU: the caller holds this writer's lock from here to {@link #send}. */
    ByteBuffer start(final int opcode, final int flags, final int dataLength)
    {
        Bhs.start(header, opcode, flags, dataLength);
        return header;
    }

    /**
     * Stamps and sends the header built since {@link #start}, with {@code data}'s remaining bytes as the
     * data segment (null: none).
     *
     * @param status whether the PDU carries a status and so takes the next StatSN.
     */
    void send(final ByteBuffer data, final boolean status) throws IOException
    {
        header.putInt(24, status ? statSN++ : statSN);
        header.putInt(28, window.expected());
        header.putInt(32, window.max());
        header.clear();
        final int length = data == null ? 0 : data.remaining();
        if (length == 0)
        {
            write(header);
            return;
        }
        padding.clear().limit(Bhs.padding(length));
        parts[0] = header;
        parts[1] = data;
        parts[2] = padding;
        while (header.hasRemaining() || data.hasRemaining() || padding.hasRemaining())
        {
            channel.write(parts);
        }
        parts[1] = null;
    }

    /** The StatSN the next status takes (for the first login response: where this connection starts). */
    void startStatus(final int first)
    {
        statSN = first;
    }

    private void write(final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }
}
