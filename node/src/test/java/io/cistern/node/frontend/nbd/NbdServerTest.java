package io.cistern.node.frontend.nbd;

import io.cistern.node.volume.MemoryVolume;

import io.cistern.config.NbdSettings;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NBD server against real clients (libnbd's nbdinfo, qemu-img) and a hand-written one for malformed input. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdServerTest
{
    private static final int SIZE = 8 << 20;

    @TempDir
    Path tmp;

    private final MemoryVolume device = new MemoryVolume(SIZE);
    private final MemoryVolume spare = new MemoryVolume(4096);
    private final List<String> closed = new ArrayList<>();
    private NbdServer server;

    @BeforeEach
    void start() throws IOException
    {
        server = NbdServer.start("127.0.0.1", new NbdSettings(0, Duration.ofSeconds(10), 64, 16), new VolumeCatalog()
        {
            @Override
            public List<String> names()
            {
                return List.of("disk", "spare");
            }

            @Override
            public VolumeIo open(final String name, final String client)
            {
                if (name.equals("busy"))
                {
                    throw new OpenRefused("busy is being deleted");
                }
                return name.equals("disk") ? device : name.equals("spare") ? spare : null;
            }

            @Override
            public synchronized void close(final String name, final String client, final VolumeIo d)
            {
                closed.add(name);
            }
        }, "nbd@test~1#");
    }

    @AfterEach
    void stop() throws IOException
    {
        server.close();
    }

    private String uri(final String export)
    {
        return "nbd://127.0.0.1:" + server.port() + "/" + export;
    }

    private static String run(final int expectedExit, final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(expectedExit, process.exitValue(), String.join(" ", command) + " printed:\n" + output);
        return output;
    }

    @Test
    void nbdinfoSeesTheExactSizeAndTruthfulFlags() throws Exception
    {
        final String info = run(0, "nbdinfo", "--json", uri("disk"));
        assertTrue(info.contains("\"export-size\": " + SIZE), info);
        assertTrue(info.contains("\"can_flush\": true") && info.contains("\"can_fua\": true") &&
            info.contains("\"can_trim\": true") && info.contains("\"can_zero\": true") &&
            info.contains("\"can_multi_conn\": true") && info.contains("\"is_read_only\": false"), info);
        assertTrue(info.contains("\"block_size_maximum\": " + Nbd.MAX_PAYLOAD), info);
    }

    @Test
    void nbdinfoListsExportsAndIsToldAboutUnknownOnes() throws Exception
    {
        final String list = run(0, "nbdinfo", "--list", "--json", "nbd://127.0.0.1:" + server.port());
        assertTrue(list.contains("\"export-name\": \"disk\"") && list.contains("\"export-name\": \"spare\""), list);
        final String unknown = run(1, "nbdinfo", uri("nope"));
        assertTrue(unknown.contains("nope"), unknown);
        final String refused = run(1, "nbdinfo", uri("busy"));
        assertTrue(refused.contains("export: busy"), refused);
    }

    @Test
    void qemuImgWritesAndReadsBackEveryByte() throws Exception
    {
        final byte[] data = new byte[SIZE];
        new Random(42).nextBytes(data);
        final Path source = Files.write(tmp.resolve("source.raw"), data);
        run(0, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", source.toString(), uri("disk"));
        assertArrayEquals(data, device.bytes);

        final Path back = tmp.resolve("back.raw");
        run(0, "qemu-img", "convert", "-f", "raw", "-O", "raw", uri("disk"), back.toString());
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    /** A hand-written client: just enough of the handshake to reach transmission. */
    static SocketChannel connect(final NbdServer server) throws IOException
    {
        final SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        final ByteBuffer greeting = read(channel, 18);
        assertEquals(Nbd.NBDMAGIC, greeting.getLong());
        assertEquals(Nbd.IHAVEOPT, greeting.getLong());
        final byte[] name = "disk".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer out = ByteBuffer.allocate(4 + 16 + 4 + name.length + 2).order(ByteOrder.BIG_ENDIAN);
        out.putInt(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES)
            .putLong(Nbd.IHAVEOPT).putInt(Nbd.OPT_GO).putInt(4 + name.length + 2).putInt(name.length).put(name).putShort((short)0)
            .flip();
        write(channel, out);
        while (true)
        {
            final ByteBuffer reply = read(channel, 20);
            reply.getLong();
            reply.getInt();
            final int type = reply.getInt();
            read(channel, reply.getInt());
            if (type == Nbd.REP_ACK)
            {
                return channel;
            }
        }
    }

    static ByteBuffer read(final SocketChannel channel, final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new IOException("closed");
            }
        }
        return buffer.flip();
    }

    static void write(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    private static int request(final SocketChannel channel, final int type, final long cookie, final long offset, final int length,
                               final byte[] payload) throws IOException
    {
        write(channel, RequestTest.header(Nbd.REQUEST_MAGIC, 0, type, cookie, offset, length));
        if (payload != null)
        {
            write(channel, ByteBuffer.wrap(payload));
        }
        final ByteBuffer reply = read(channel, Nbd.SIMPLE_REPLY_HEADER);
        assertEquals(Nbd.SIMPLE_REPLY_MAGIC, reply.getInt());
        final int error = reply.getInt();
        assertEquals(cookie, reply.getLong(), "the reply names the request's cookie");
        return error;
    }

    @Test
    void wrongRequestsGetErrorsAndTheConnectionKeepsServing() throws Exception
    {
        try (SocketChannel channel = connect(server))
        {
            assertEquals(Nbd.EINVAL, request(channel, Nbd.CMD_READ, 1, SIZE - 512, 1024, null), "read past the end");
            assertEquals(Nbd.EINVAL, request(channel, Nbd.CMD_WRITE, 2, SIZE, 16, new byte[16]), "write past the end, payload skipped");
            assertEquals(Nbd.EOVERFLOW, request(channel, Nbd.CMD_WRITE, 3, 0, Nbd.MAX_PAYLOAD + 4096,
                new byte[Nbd.MAX_PAYLOAD + 4096]), "write beyond the maximum, payload skipped");
            assertEquals(Nbd.EINVAL, request(channel, 77, 4, 0, 0, null), "unknown command");

            final byte[] block = new byte[4096];
            Arrays.fill(block, (byte)7);
            assertEquals(0, request(channel, Nbd.CMD_WRITE, 5, 8192, 4096, block));
            assertEquals(0, request(channel, Nbd.CMD_READ, 6, 8192, 4096, null));
            assertArrayEquals(block, read(channel, 4096).array(), "still in step after the refusals");
            assertEquals(0, request(channel, Nbd.CMD_FLUSH, 7, 0, 0, null));
            assertEquals(1, device.flushes);
        }
        assertTrue(server.counters().refused() >= 4);
    }

    @Test
    void aBadMagicEndsOnlyThatConnection() throws Exception
    {
        try (SocketChannel channel = connect(server))
        {
            write(channel, RequestTest.header(0xdeadbeef, 0, Nbd.CMD_READ, 1, 0, 512));
            final ByteBuffer sink = ByteBuffer.allocate(1);
            assertEquals(-1, channel.read(sink), "the server closed the connection");
        }
        assertEquals(1, server.counters().malformed());
        run(0, "nbdinfo", "--size", uri("disk"));
    }
}
