package io.cistern.node.frontend.nbd;

import io.cistern.node.frontend.Acceptor;
import io.cistern.node.frontend.ThrottledLog;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One client connection: the handshake, then the transmission phase.
 * <p>
 * Requests are read in order by this connection's thread and served in parallel by up to
 * {@link Nbd#MAX_IN_FLIGHT} workers, each with its own slot (payload buffer, device view); replies go
 * out as requests finish, as NBD allows (the cookie matches them up). When every slot is busy the
 * reader waits, which pushes back on the client.
 * <p>
 * A request that is well-formed but wrong (unknown command, length beyond {@link Nbd#MAX_PAYLOAD},
 * range past the end) gets its error reply and the connection goes on; a write's payload is read and
 * dropped first so the stream stays in step. Buffers are allocated per slot once, never sized by a
 * length off the wire. Only a request with a bad magic ends the connection: after it there is no
 * telling where the next request starts.
 */
final class Connection implements Acceptor.Connection
{
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final SocketChannel channel;
    private final VolumeCatalog exports;
    private final String client;
    private final NbdCounters counters;
    private final Request request = new Request();
    private final ByteBuffer header = ByteBuffer.allocateDirect(Nbd.REQUEST_HEADER).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private final Object replyLock = new Object();
    private final ByteBuffer reply = ByteBuffer.allocateDirect(Nbd.SIMPLE_REPLY_HEADER).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer[] replyAndPayload = new ByteBuffer[2];
    private final ArrayBlockingQueue<Slot> free = new ArrayBlockingQueue<>(Nbd.MAX_IN_FLIGHT);
    private int slotsMade;
    private ExecutorService workers;
    private volatile boolean broken;
    private volatile String abortReason;
    private volatile Handshake handshake;
    private final Runnable handshakeDone;
    private final ThrottledLog protocolErrors;
    private int inFlight;

    /** One request in flight: what it asks and the buffer its bytes travel in. */
    private final class Slot implements Runnable
    {
        final ByteBuffer payload = ByteBuffer.allocateDirect(Nbd.MAX_PAYLOAD);
        final VolumeIo device;
        int type;
        long cookie;
        long offset;
        long length;
        boolean fua;

        Slot(final VolumeIo device)
        {
            this.device = device;
        }

        @Override
        public void run()
        {
            try
            {
                serve(this);
            }
            finally
            {
                free.add(this);
                finished();
            }
        }
    }

    Connection(final SocketChannel channel, final VolumeCatalog exports, final String client, final NbdCounters counters,
               final Runnable handshakeDone, final ThrottledLog protocolErrors)
    {
        this.protocolErrors = protocolErrors;
        this.channel = channel;
        this.exports = exports;
        this.client = client;
        this.counters = counters;
        this.handshakeDone = handshakeDone;
    }

    @Override
    public String client()
    {
        return client;
    }

    /** Whether the server, not the client, is what the handshake waits for now (a volume being opened). */
    @Override
    public boolean serverBusy()
    {
        final Handshake current = handshake;
        return current != null && current.opening();
    }

    /**
     * Closes the connection from another thread (its handshake took too long, or made room for a newer
     * one): the blocked read ends with an exception and the connection's thread cleans up.
     */
    @Override
    public void abort(final String reason)
    {
        abortReason = reason;
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // closing is all that was asked
        }
    }

    @Override
    public void run()
    {
        Handshake.Chosen chosen = null;
        try (channel)
        {
            final Handshake handshake = new Handshake(channel, exports, client);
            this.handshake = handshake;
            chosen = handshake.run();
            handshakeDone.run();
            if (handshake.refusal() != null)
            {
                counters.malformed.increment();
                protocolErrors.warn("NBD client {} broke the handshake, connection closed: {}", client, handshake.refusal());
            }
            if (chosen != null)
            {
                LOG.info("NBD client {} attached to export {}", client, chosen.name());
                workers = Executors.newFixedThreadPool(Nbd.MAX_IN_FLIGHT, r ->
                {
                    final Thread thread = new Thread(r, Thread.currentThread().getName() + "-worker");
                    thread.setDaemon(true);
                    return thread;
                });
                transmit(chosen.device());
            }
        }
        catch (final EOFException ex)
        {
            LOG.debug("NBD client {} went away: {}", client, ex.getMessage());
        }
        catch (final IOException ex)
        {
            if (abortReason == null)
            {
                LOG.info("NBD connection {} ended: {}", client, ex.toString());
            }
            else
            {
                // Counted and logged (once per episode) by the server; one line per connection would flood.
                LOG.debug("NBD connection {} closed: {}", client, abortReason);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("NBD connection {} failed", client, ex);
        }
        finally
        {
            if (workers != null)
            {
                // Requests still in flight finish before the export is closed (and the volume detached).
                try
                {
                    drain();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                workers.shutdown();
            }
            if (chosen != null)
            {
                exports.close(chosen.name(), client, chosen.device());
                LOG.info("NBD client {} detached from export {}", client, chosen.name());
            }
        }
    }

    private void transmit(final VolumeIo device) throws IOException, InterruptedException
    {
        while (!broken)
        {
            header.clear();
            fill(header);
            header.flip();
            if (request.decode(header) == Request.Parse.BAD_MAGIC)
            {
                counters.malformed.increment();
                LOG.warn("NBD client {} sent a request with a bad magic; closing the connection (the stream cannot be resynchronised)",
                    client);
                drain();
                return;
            }
            final int refused = request.check(device.size());
            if (refused != 0)
            {
                counters.refused.increment();
                discard(request.payloadLength());
                sendReply(refused, request.cookie(), null);
                continue;
            }
            if (request.type() == Nbd.CMD_DISC)
            {
                // "The server MUST ... complete outstanding requests": wait for them, then close.
                drain();
                return;
            }
            final Slot slot = take(device);
            slot.type = request.type();
            slot.cookie = request.cookie();
            slot.offset = request.offset();
            slot.length = request.length();
            slot.fua = request.fua();
            if (slot.type == Nbd.CMD_WRITE)
            {
                slot.payload.clear().limit((int)slot.length);
                fill(slot.payload);
                slot.payload.flip();
            }
            started();
            workers.execute(slot);
        }
    }

    private Slot take(final VolumeIo device) throws InterruptedException
    {
        final Slot ready = free.poll();
        if (ready != null)
        {
            return ready;
        }
        if (slotsMade < Nbd.MAX_IN_FLIGHT)
        {
            // Slots (and their 1 MiB buffers) are made as the client's queue depth asks for them.
            slotsMade++;
            return new Slot(slotsMade == 1 ? device : device.concurrentView());
        }
        return free.take();
    }

    /** Waits until no request is in flight (each ends within the data plane's request timeout). */
    private synchronized void drain() throws InterruptedException
    {
        while (inFlight > 0)
        {
            wait();
        }
    }

    private synchronized void finished()
    {
        inFlight--;
        notifyAll();
    }

    private synchronized void started()
    {
        inFlight++;
    }

    private void serve(final Slot slot)
    {
        final VolumeIo device = slot.device;
        int error;
        ByteBuffer data = null;
        try
        {
        switch (slot.type)
        {
            case Nbd.CMD_READ ->
            {
                slot.payload.clear().limit((int)slot.length);
                error = NbdErrors.errno(device.read(slot.offset, slot.payload));
                slot.payload.flip();
                counters.reads.increment();
                data = error == 0 ? slot.payload : null;
            }
            case Nbd.CMD_WRITE ->
            {
                error = NbdErrors.errno(device.write(slot.offset, slot.payload, slot.fua));
                counters.writes.increment();
            }
            case Nbd.CMD_FLUSH -> error = NbdErrors.errno(device.flush());
            case Nbd.CMD_TRIM -> error = NbdErrors.errno(device.trim(slot.offset, slot.length, slot.fua));
            case Nbd.CMD_WRITE_ZEROES -> error = NbdErrors.errno(device.writeZeroes(slot.offset, slot.length, slot.fua));
            default -> error = Nbd.EINVAL;
        }
        }
        catch (final RuntimeException ex)
        {
            // A bug or a closing data plane: the client still gets an answer for its request.
            LOG.error("NBD request {} of {} failed", slot.type, client, ex);
            error = Nbd.EIO;
            data = null;
        }
        if (error != 0)
        {
            counters.errors.increment();
        }
        try
        {
            sendReply(error, slot.cookie, data);
        }
        catch (final IOException ex)
        {
            broken = true;
            LOG.info("NBD connection {} broke while replying: {}", client, ex.toString());
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
            }
        }
    }

    private void sendReply(final int error, final long cookie, final ByteBuffer data) throws IOException
    {
        synchronized (replyLock)
        {
            reply.clear();
            reply.putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie).flip();
            if (data == null)
            {
                while (reply.hasRemaining())
                {
                    channel.write(reply);
                }
                return;
            }
            replyAndPayload[0] = reply;
            replyAndPayload[1] = data;
            while (reply.hasRemaining() || data.hasRemaining())
            {
                channel.write(replyAndPayload);
            }
            replyAndPayload[1] = null;
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
            scratch.clear().limit((int)Math.min(scratch.capacity(), left));
            fill(scratch);
            left -= scratch.limit();
        }
    }
}
