package io.cistern.node.frontend.nbd;

import io.cistern.config.NbdSettings;
import io.cistern.node.frontend.Acceptor;
import io.cistern.node.frontend.ConnectionGate;
import io.cistern.node.frontend.ThrottledLog;
import io.cistern.node.volume.VolumeCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The node's NBD server: accepts connections on its port and serves each on a thread of its own (a
 * connection is a sequence of blocking request/reply exchanges; a thread each keeps it simple).
 * <p>
 * What a client that never speaks cannot do (cistern.nbd in reference.conf) is the {@link ConnectionGate}'s:
 * hold a connection in the handshake past {@code handshake-timeout}; keep more than {@code max-handshakes}
 * connections in the handshake; or raise the node past {@code max-connections}.
 */
public final class NbdServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    private final ServerSocketChannel server;
    private final VolumeCatalog exports;
    private final NbdCounters counters = new NbdCounters();
    private final ConnectionGate gate;
    private final ThrottledLog protocolErrors = new ThrottledLog(LOG);

    private NbdServer(final ServerSocketChannel server, final VolumeCatalog exports,
                      final NbdSettings settings)
    {
        this.server = server;
        this.exports = exports;
        this.gate = new ConnectionGate("NBD", "handshake", "cistern.nbd", settings.maxConnections(), settings.maxHandshakes(),
            settings.handshakeTimeout(), new ConnectionGate.Counters(counters.refusedConnections, counters.evictedHandshakes,
            counters.handshakeTimeouts), LOG);
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
        final NbdServer server = new NbdServer(channel, exports, settings);
        Acceptor.start("nbd", channel, server.gate, new String[] {"max-connections", "max-handshakes", "handshake-timeout"},
            clientPrefix, server::connect, server.counters.connections::increment, LOG);
        LOG.info("NBD server listening on {}:{}", host, server.port());
        return server;
    }

    private Acceptor.Connection connect(final SocketChannel channel, final String client)
    {
        final Connection[] self = new Connection[1];
        self[0] = new Connection(channel, exports, client, counters, () -> gate.openingEnded(self[0]), protocolErrors);
        return self[0];
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
        return gate.openConnections();
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        gate.close();
    }
}
