package io.cistern.node.frontend.iscsi;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * Reads PDUs off one connection: the basic header segment into one reused buffer (additional header
 * segments are read and dropped: this target needs none), then the data segment and its padding into
 * whatever buffer the PDU's handler chooses, or nowhere. Nothing is sized by a length off the wire.
 */
final class PduReader
{
    private final SocketChannel channel;
    final ByteBuffer header = ByteBuffer.allocateDirect(Iscsi.BHS).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);

    PduReader(final SocketChannel channel)
    {
        this.channel = channel;
    }

    /** Reads the next PDU's header (and drops its additional header segments). */
    void readHeader() throws IOException
    {
        header.clear();
        fill(header);
        skip(Bhs.ahsLength(header));
    }

    /** Reads the data segment (and its padding) into {@code dst}, from its position, {@code length} bytes. */
    void readData(final ByteBuffer dst, final int length) throws IOException
    {
        final int limit = dst.limit();
        dst.limit(dst.position() + length);
        fill(dst);
        dst.limit(limit);
        skip(Bhs.padding(length));
    }

    /** Reads the data segment of {@code length} bytes (and its padding) and drops it. */
    void skipData(final int length) throws IOException
    {
        skip(length + Bhs.padding(length));
    }

    private void skip(final int length) throws IOException
    {
        int left = length;
        while (left > 0)
        {
            scratch.clear().limit(Math.min(scratch.capacity(), left));
            fill(scratch);
            left -= scratch.limit();
        }
    }

    private void fill(final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new EOFException("the initiator closed the connection");
            }
        }
    }
}
