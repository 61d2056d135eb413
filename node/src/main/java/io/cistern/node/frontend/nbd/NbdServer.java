package io.cistern.node.frontend.nbd;

import io.cistern.config.NbdSettings;
import io.cistern.node.volume.VolumeCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's NBD server: accepts connections on its port and serves each on a thread of its own (a
 * connection is a sequence of blocking request/reply exchanges; a thread each keeps it simple).
 * <p>
 * What a client that never speaks cannot do (cistern.nbd in reference.conf): hold a connection in the
 * handshake past {@code handshake-timeout}; keep more than {@code max-handshakes} connections in the
 * handshake (a new one closes the oldest, so a client that does speak always gets its turn); or raise the
 * node past {@code max-connections} (one more is closed at once). Each is counted, and logged at most once
 * per episode.
 */
public final class NbdServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    private final ServerSocketChannel server;
    private final VolumeCatalog exports;
    private final String clientPrefix;
    private final NbdSettings settings;
    private final NbdCounters counters = new NbdCounters();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    /** Connections still in the handshake, oldest first; guarded by itself. */
    private final LinkedHashSet<Connection> handshaking = new LinkedHashSet<>();
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;
    private final ThrottledLog refusals = new ThrottledLog(LOG);
    private final ThrottledLog evictions = new ThrottledLog(LOG);
    private final ThrottledLog timeouts = new ThrottledLog(LOG);
    private final ThrottledLog protocolErrors = new ThrottledLog(LOG);

    private NbdServer(final ServerSocketChannel server, final VolumeCatalog exports, final String clientPrefix,
                      final NbdSettings settings)
    {
        this.server = server;
        this.exports = exports;
        this.clientPrefix = clientPrefix;
        this.settings = settings;
        this.acceptor = new Thread(this::accept, "nbd-accept");
        this.acceptor.setDaemon(true);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "nbd-handshake-deadlines");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param host         address to listen on.
     * @param clientPrefix how this server's connections are named when they attach to a volume.
     */
    public static NbdServer start(final String host, final NbdSettings settings, final VolumeCatalog exports,
                                  final String clientPrefix) throws IOException
    {
        final ServerSocketChannel channel = ServerSocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(host, settings.port()));
        final NbdServer server = new NbdServer(channel, exports, clientPrefix, settings);
        server.acceptor.start();
        LOG.info("NBD server listening on {}:{}", host, server.port());
        return server;
    }

    public int port()
    {
        try
        {
            return ((InetSocketAddress)server.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    public NbdCounters counters()
    {
        return counters;
    }

    /** Connections open now, in the handshake or transmitting. */
    public int openConnections()
    {
        return open.get();
    }

    private void accept()
    {
        while (server.isOpen())
        {
            SocketChannel channel = null;
            try
            {
                channel = server.accept();
                if (open.get() >= settings.maxConnections())
                {
                    counters.refusedConnections.increment();
                    refusals.warn("NBD connection from {} refused: {} connections are open, the most cistern.nbd.max-connections allows",
                        channel.getRemoteAddress(), settings.maxConnections());
                    channel.close();
                    continue;
                }
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final long id = connectionIds.incrementAndGet();
                final String client = clientPrefix + id + "(" + channel.getRemoteAddress() + ")";
                counters.connections.increment();
                final Connection[] self = new Connection[1];
                final Connection connection = new Connection(channel, exports, client, counters,
                    () -> handshakeEnded(self[0]), protocolErrors);
                self[0] = connection;
                admit(connection);
                open.incrementAndGet();
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        connection.run();
                    }
                    finally
                    {
                        handshakeEnded(connection);
                        open.decrementAndGet();
                    }
                }, "nbd-" + id);
                thread.setDaemon(true);
                thread.start();
                deadlines.schedule(() -> expire(connection), settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (final ClosedChannelException ex)
            {
                return;
            }
            catch (final IOException | RuntimeException ex)
            {
                LOG.warn("NBD accept failed: {}", ex.toString());
                if (channel != null)
                {
                    try
                    {
                        channel.close();
                    }
                    catch (final IOException ignored)
                    {
                        // it is being dropped anyway
                    }
                }
            }
        }
    }

    /** Counts a new connection into the handshake, making room by closing the oldest one there if need be. */
    private void admit(final Connection connection)
    {
        Connection oldest = null;
        synchronized (handshaking)
        {
            if (handshaking.size() >= settings.maxHandshakes())
            {
                oldest = handshaking.iterator().next();
                handshaking.remove(oldest);
            }
            handshaking.add(connection);
        }
        if (oldest != null)
        {
            counters.evictedHandshakes.increment();
            evictions.warn("NBD connection {} closed before finishing its handshake: {} connections were in the handshake, " +
                "the most cistern.nbd.max-handshakes allows, and a new one came", oldest.client(), settings.maxHandshakes());
            oldest.abort("made room for a newer connection");
        }
    }

    private void expire(final Connection connection)
    {
        if (connection.serverBusy())
        {
            // The client is waiting for us (a volume's control plane is slow to answer): not its fault.
            deadlines.schedule(() -> expire(connection), settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        final boolean late;
        synchronized (handshaking)
        {
            late = handshaking.remove(connection);
        }
        if (late)
        {
            counters.handshakeTimeouts.increment();
            timeouts.warn("NBD connection {} closed: no export chosen within cistern.nbd.handshake-timeout ({})",
                connection.client(), settings.handshakeTimeout());
            connection.abort("handshake not finished in time");
        }
    }

    private void handshakeEnded(final Connection connection)
    {
        synchronized (handshaking)
        {
            handshaking.remove(connection);
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        deadlines.shutdownNow();
    }
}
