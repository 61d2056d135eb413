package io.cistern.node.frontend;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A front end's accept loop: each connection is let in through the {@link ConnectionGate} (or closed at
 * once), named, and served on a thread of its own until it ends. One copy for every protocol.
 */
public final class Acceptor
{
    /** A connection a protocol serves: its thread runs it; the gate may close it. */
    public interface Connection extends ConnectionGate.Guest, Runnable
    {
    }

    /** Makes a protocol's connection for an accepted channel, named {@code client}. */
    public interface Factory
    {
        Connection connect(SocketChannel channel, String client) throws IOException;
    }

    private Acceptor()
    {
    }

    /**
     * Starts the loop on a daemon thread named {@code name + "-accept"}; connection threads are {@code name-<n>}.
     *
     * @param keys the gate's setting names: max-connections, max in the opening phase, the phase's timeout.
     */
    public static Thread start(final String name, final ServerSocketChannel server, final ConnectionGate gate, final String[] keys,
                               final String clientPrefix, final Factory factory, final Runnable counted, final Logger log)
    {
        final AtomicLong ids = new AtomicLong();
        final Thread acceptor = new Thread(() ->
        {
            while (server.isOpen())
            {
                SocketChannel channel = null;
                try
                {
                    channel = server.accept();
                    if (!gate.mayOpen(channel.getRemoteAddress(), keys[0]))
                    {
                        channel.close();
                        continue;
                    }
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    final long id = ids.incrementAndGet();
                    counted.run();
                    final Connection connection = factory.connect(channel, clientPrefix + id + "(" + channel.getRemoteAddress() + ")");
                    gate.opened(connection, keys[1], keys[2]);
                    final Thread thread = new Thread(() ->
                    {
                        try
                        {
                            connection.run();
                        }
                        finally
                        {
                            gate.closed(connection);
                        }
                    }, name + "-" + id);
                    thread.setDaemon(true);
                    thread.start();
                }
                catch (final ClosedChannelException ex)
                {
                    return;
                }
                catch (final IOException | RuntimeException ex)
                {
                    log.warn("{} accept failed: {}", name, ex.toString());
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
        }, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return acceptor;
    }
}
