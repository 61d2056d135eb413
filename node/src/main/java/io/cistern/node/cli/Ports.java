package io.cistern.node.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The ports of a local cluster: node {@code i} (0-based) listens on each default port plus {@code i},
 * and the whole cluster can be shifted by an offset so that several clusters share one host.
 */
final class Ports
{
    static final int ARTERY = 17355;
    static final int HTTP = 7626;
    static final int NBD = 10809;
    static final int ISCSI = 3260;
    static final int AERON = 40456;
    static final int JOURNAL = 9092;
    /** The replicated journal's members (Raft), node i at RAFT + i. */
    static final int RAFT = 9870;
    /** The JMX connector (RMI registry and server on one port), node i at JMX + i. */
    static final int JMX = 9990;
    static final String HOST = "127.0.0.1";

    private Ports()
    {
    }

    /** Null if {@code port} can be bound on loopback over TCP (and UDP if asked), else why not. */
    static String busy(final int port, final boolean udp)
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        }
        catch (final IOException ex)
        {
            return "TCP " + HOST + ":" + port + " is in use (" + ex.getMessage() + ")";
        }
        if (udp)
        {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(HOST), port)))
            {
                socket.getLocalPort();
            }
            catch (final IOException ex)
            {
                return "UDP " + HOST + ":" + port + " is in use (" + ex.getMessage() + ")";
            }
        }
        return null;
    }
}
