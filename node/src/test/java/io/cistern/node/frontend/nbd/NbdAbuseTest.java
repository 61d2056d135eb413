package io.cistern.node.frontend.nbd;

import io.cistern.node.volume.MemoryVolume;

import io.cistern.config.NbdSettings;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that do not play by the rules: they stall in the handshake, declare huge options, set flags the
 * server does not know, or open connections by the hundred. Each is closed as it should be, and a real
 * client (libnbd's nbdinfo) is served all the while.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdAbuseTest
{
    private static final int SIZE = 1 << 20;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_CONNECTIONS = 24;
    private static final int MAX_HANDSHAKES = 8;

    private final MemoryVolume volume = new MemoryVolume(SIZE);
    private NbdServer server;

    @BeforeEach
    void start() throws IOException
    {
        server = NbdServer.start("127.0.0.1", new NbdSettings(0, HANDSHAKE_TIMEOUT, MAX_CONNECTIONS, MAX_HANDSHAKES),
            new VolumeCatalog()
            {
                @Override
                public List<String> names()
                {
                    return List.of("disk");
                }

                @Override
                public VolumeIo open(final String name, final String client)
                {
                    return name.equals("disk") ? volume : null;
                }

                @Override
                public void close(final String name, final String client, final VolumeIo v)
                {
                }
            }, "nbd@abuse#");
    }

    @AfterEach
    void stop() throws IOException
    {
        server.close();
    }

    /** A socket that has read the server's greeting (reads time out after 20 s rather than hang the test). */
    private Socket greeted() throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(20_000);
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        assertEquals(Nbd.NBDMAGIC, in.readLong());
        assertEquals(Nbd.IHAVEOPT, in.readLong());
        in.readShort();
        return socket;
    }

    private static void assertClosedByServer(final Socket socket) throws IOException
    {
        final InputStream in = socket.getInputStream();
        assertEquals(-1, in.read(), "the server closed the connection");
    }

    private String nbdinfoSize() throws Exception
    {
        final Process process = new ProcessBuilder("nbdinfo", "--size", "nbd://127.0.0.1:" + server.port() + "/disk")
            .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "nbdinfo hung");
        assertEquals(0, process.exitValue(), "nbdinfo printed: " + output);
        return output;
    }

    @Test
    void aHandshakeThatStallsIsClosedAfterItsDeadline() throws Exception
    {
        final long started = System.nanoTime();
        try (Socket socket = greeted())
        {
            assertClosedByServer(socket);
        }
        final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis >= HANDSHAKE_TIMEOUT.toMillis() - 100 && tookMillis < HANDSHAKE_TIMEOUT.toMillis() + 5_000,
            "closed after " + tookMillis + " ms");
        assertEquals(1, server.counters().handshakeTimeouts());
    }

    @Test
    void anOversizeOptionIsRefusedAndTheConnectionClosedAtOnce() throws Exception
    {
        final long started = System.nanoTime();
        try (Socket socket = greeted())
        {
            final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(Nbd.FLAG_C_FIXED_NEWSTYLE);
            out.writeLong(Nbd.IHAVEOPT);
            out.writeInt(Nbd.OPT_GO);
            out.writeInt(0xFFFF_FFF0); // ~4 GiB of option data declared, none sent
            out.flush();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(Nbd.REPLY_MAGIC, in.readLong());
            assertEquals(Nbd.OPT_GO, in.readInt());
            assertEquals(Nbd.REP_ERR_TOO_BIG, in.readInt());
            final byte[] message = new byte[in.readInt()];
            in.readFully(message);
            assertTrue(new String(message, StandardCharsets.UTF_8).contains("4294967280 bytes"), new String(message, StandardCharsets.UTF_8));
            assertClosedByServer(socket);
        }
        final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < HANDSHAKE_TIMEOUT.toMillis(), "closed at once, not at the handshake deadline: " + tookMillis + " ms");
        assertEquals(1, server.counters().malformed());
    }

    @Test
    void unknownClientFlagsCloseTheConnection() throws Exception
    {
        final long started = System.nanoTime();
        try (Socket socket = greeted())
        {
            final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES | 1 << 7);
            out.flush();
            assertClosedByServer(socket);
        }
        final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < HANDSHAKE_TIMEOUT.toMillis(), "closed at once, not at the handshake deadline: " + tookMillis + " ms");
        assertEquals(1, server.counters().malformed());
        assertEquals(String.valueOf(SIZE), nbdinfoSize(), "and the next client is served");
    }

    @Test
    void aRealClientIsServedWhileHundredsOfIdleConnectionsAreHeldOpen() throws Exception
    {
        final List<Socket> idle = new ArrayList<>();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                idle.add(new Socket("127.0.0.1", server.port()));
            }
            for (int i = 0; i < 3; i++)
            {
                assertEquals(String.valueOf(SIZE), nbdinfoSize());
            }
            assertTrue(server.openConnections() <= MAX_CONNECTIONS, server.openConnections() + " open");
            assertTrue(server.counters().evictedHandshakes() >= 300 - MAX_HANDSHAKES,
                server.counters().evictedHandshakes() + " evicted");
        }
        finally
        {
            for (final Socket socket : idle)
            {
                socket.close();
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceAndTheServedOnesKeepWorking() throws Exception
    {
        final List<SocketChannel> served = new ArrayList<>();
        try
        {
            for (int i = 0; i < MAX_CONNECTIONS; i++)
            {
                served.add(NbdServerTest.connect(server));
            }
            try (Socket refused = new Socket("127.0.0.1", server.port()))
            {
                refused.setSoTimeout(20_000);
                assertClosedByServer(refused);
            }
            assertEquals(1, server.counters().refusedConnections());
            final SocketChannel first = served.get(0);
            NbdServerTest.write(first, RequestTest.header(Nbd.REQUEST_MAGIC, 0, Nbd.CMD_FLUSH, 9, 0, 0));
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, NbdServerTest.read(first, Nbd.SIMPLE_REPLY_HEADER).getInt());
        }
        finally
        {
            for (final SocketChannel channel : served)
            {
                channel.close();
            }
        }
    }
}
