package io.cistern.node.nbd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * One client connection: the handshake, then the transmission phase, request by request.
 * <p>
 * A request that is well-formed but wrong (unknown command, length beyond {@link Nbd#MAX_PAYLOAD},
 * range past the end) gets its error reply and the connection goes on; a write's payload is read and
 * dropped first so the stream stays in step. Buffers are allocated once per connection, never sized
 * by a length off the wire. Only a request with a bad magic ends the connection: after it there is no
 * telling where the next request starts.
 */
final class Connection implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final SocketChannel channel;
    private final Exports exports;
    private final String client;
    private final NbdCounters counters;
    private final Request request = new Request();
    private final ByteBuffer header = ByteBuffer.allocateDirect(Nbd.REQUEST_HEADER).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(Nbd.SIMPLE_REPLY_HEADER).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer payload = ByteBuffer.allocateDirect(Nbd.MAX_PAYLOAD);
    private final ByteBuffer[] replyAndPayload = {reply, payload};

    Connection(final SocketChannel channel, final Exports exports, final String client, final NbdCounters counters)
    {
        this.channel = channel;
        this.exports = exports;
        this.client = client;
        this.counters = counters;
    }

    @Override
    public void run()
    {
        Handshake.Chosen chosen = null;
        try (channel)
        {
            chosen = new Handshake(channel, exports, client).run();
            if (chosen != null)
            {
                LOG.info("NBD client {} attached to export {}", client, chosen.name());
                transmit(chosen.device());
            }
        }
        catch (final EOFException ex)
        {
            LOG.debug("NBD client {} went away: {}", client, ex.getMessage());
        }
        catch (final IOException ex)
        {
            LOG.info("NBD connection {} ended: {}", client, ex.toString());
        }
        finally
        {
            if (chosen != null)
            {
                exports.close(chosen.name(), client, chosen.device());
                LOG.info("NBD client {} detached from export {}", client, chosen.name());
            }
        }
    }

    private void transmit(final BlockDevice device) throws IOException
    {
        while (true)
        {
            header.clear();
            fill(header);
            header.flip();
            if (request.decode(header) == Request.Parse.BAD_MAGIC)
            {
                counters.malformed.increment();
                LOG.warn("NBD client {} sent a request with a bad magic; closing the connection (the stream cannot be resynchronised)",
                    client);
                return;
            }
            final int refused = request.check(device.size());
            if (refused != 0)
            {
                counters.refused.increment();
                discard(request.payloadLength());
                sendReply(refused, false);
                continue;
            }
            switch (request.type())
            {
                case Nbd.CMD_READ -> read(device);
                case Nbd.CMD_WRITE -> write(device);
                case Nbd.CMD_FLUSH -> sendReply(device.flush(), false);
                case Nbd.CMD_TRIM -> sendReply(device.trim(request.offset(), request.length(), request.fua()), false);
                case Nbd.CMD_WRITE_ZEROES -> sendReply(device.writeZeroes(request.offset(), request.length(), request.fua()), false);
                case Nbd.CMD_DISC ->
                {
                    // "The server MUST ... complete outstanding requests" — they are, requests are served in order.
                    return;
                }
                default -> sendReply(Nbd.EINVAL, false);
            }
        }
    }

    private void read(final BlockDevice device) throws IOException
    {
        payload.clear().limit((int)request.length());
        final int error = device.read(request.offset(), payload);
        counters.reads.increment();
        if (error != 0)
        {
            counters.errors.increment();
        }
        payload.flip();
        sendReply(error, error == 0);
    }

    private void write(final BlockDevice device) throws IOException
    {
        payload.clear().limit((int)request.length());
        fill(payload);
        payload.flip();
        final int error = device.write(request.offset(), payload, request.fua());
        counters.writes.increment();
        if (error != 0)
        {
            counters.errors.increment();
        }
        sendReply(error, false);
    }

    private void sendReply(final int error, final boolean withPayload) throws IOException
    {
        reply.clear();
        reply.putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(error).putLong(request.cookie()).flip();
        if (withPayload)
        {
            while (reply.hasRemaining() || payload.hasRemaining())
            {
                channel.write(replyAndPayload);
            }
        }
        else
        {
            while (reply.hasRemaining())
            {
                channel.write(reply);
            }
        }
    }

    private void fill(final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new EOFException("client closed the connection");
            }
        }
    }

    private void discard(final long length) throws IOException
    {
        long left = length;
        while (left > 0)
        {
            payload.clear().limit((int)Math.min(payload.capacity(), left));
            fill(payload);
            left -= payload.limit();
        }
    }
}
