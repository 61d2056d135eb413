package io.cistern.node.frontend.nbd;

import io.cistern.node.volume.VolumeCatalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's NBD server: accepts connections on its port and serves each on a thread of its own
 * (a connection is a sequence of blocking request/reply exchanges; a thread each keeps it simple and
 * a node has few of them).
 */
public final class NbdServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    private final ServerSocketChannel server;
    private final VolumeCatalog exports;
    private final String clientPrefix;
    private final NbdCounters counters = new NbdCounters();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Thread acceptor;

    private NbdServer(final ServerSocketChannel server, final VolumeCatalog exports, final String clientPrefix)
    {
        this.server = server;
        this.exports = exports;
        this.clientPrefix = clientPrefix;
        this.acceptor = new Thread(this::accept, "nbd-accept");
        this.acceptor.setDaemon(true);
    }

    /** @param clientPrefix how this server's connections are named when they attach to an export. */
    public static NbdServer start(final String host, final int port, final VolumeCatalog exports, final String clientPrefix)
        throws IOException
    {
        final ServerSocketChannel channel = ServerSocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(host, port));
        final NbdServer server = new NbdServer(channel, exports, clientPrefix);
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

    private void accept()
    {
        while (server.isOpen())
        {
            SocketChannel channel = null;
            try
            {
                channel = server.accept();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final String client = clientPrefix + connectionIds.incrementAndGet() + "(" + channel.getRemoteAddress() + ")";
                counters.connections.increment();
                final Thread thread = new Thread(new Connection(channel, exports, client, counters), "nbd-" + connectionIds.get());
                thread.setDaemon(true);
                thread.start();
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
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
    }
}
