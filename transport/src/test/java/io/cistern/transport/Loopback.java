package io.cistern.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Aeron UDP channels on loopback ports that the OS has just handed out, so tests do not collide with other users of the host. */
final class Loopback
{
    private Loopback()
    {
    }

    /** A channel on a fresh loopback port. */
    static String udpChannel()
    {
        return "aeron:udp?endpoint=127.0.0.1:" + freePort();
    }

    private static int freePort()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
