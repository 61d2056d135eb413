package io.cistern.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The data-plane contract over {@code aeron:udp} on loopback: what nodes on different hosts use. */
class UdpDataPlaneTest extends DataPlaneContract
{
    @Override
    DataPlaneFixture.Endpoints nextEndpoints()
    {
        return new DataPlaneFixture.Endpoints(udp(freePort()), udp(freePort()), udp(freePort()),
            DataPlaneSettings.DEFAULT_REQUEST_STREAM_ID, DataPlaneSettings.DEFAULT_REPLY_STREAM_ID);
    }

    private static String udp(final int port)
    {
        return "aeron:udp?endpoint=127.0.0.1:" + port;
    }

    /** A loopback UDP port the OS has just handed out, so tests do not collide with other users of the host. */
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
