package io.cistern.node.frontend.iscsi;

import io.cistern.config.IscsiSettings;
import io.cistern.node.volume.LocalReservations;
import io.cistern.node.volume.MemoryVolume;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iSCSI target against real initiators (libiscsi's iscsi-ls, iscsi-inq, iscsi-test-cu; qemu-img) and
 * a hand-written one for malformed input, over a volume in memory.
 */
class IscsiServerTest
{
    private static final int SIZE = 64 << 20;
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(2);
    private static final String TARGET = "iqn.2026-11.io.cistern:disk";

    @TempDir
    Path tmp;

    private final MemoryVolume disk = new MemoryVolume(SIZE);
    private final List<String> closed = new ArrayList<>();
    private IscsiServer server;

    @BeforeEach
    void start() throws IOException
    {
        server = IscsiServer.start("127.0.0.1", 7, new IscsiSettings(0, LOGIN_TIMEOUT, 64, 16, 7, null), new VolumeCatalog()
        {
            @Override
            public List<String> names()
            {
                return List.of("Disk", "busy");
            }

            @Override
            public VolumeIo open(final String name, final String client)
            {
                if (name.equals("busy"))
                {
                    throw new OpenRefused("busy is being deleted");
                }
                return name.equals("Disk") ? disk : null;
            }

            @Override
            public synchronized void close(final String name, final String client, final VolumeIo volume)
            {
                closed.add(name);
            }
        }, () -> List.of("127.0.0.2:3261,2"), new LocalReservations(), "iscsi@test~1#");
    }

    @AfterEach
    void stop() throws IOException
    {
        server.close();
    }

    private String url(final String target)
    {
        return "iscsi://127.0.0.1:" + server.port() + "/" + target + "/0";
    }

    private static String run(final int expectedExit, final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(expectedExit, process.exitValue(), String.join(" ", command) + " printed:\n" + output);
        return output;
    }

    @Test
    void discoveryListsEveryVolumeThroughEveryPortalAndLoginOpensTheVolume() throws Exception
    {
        final String listed = run(0, "iscsi-ls", "iscsi://127.0.0.1:" + server.port());
        assertTrue(listed.contains("Target:" + TARGET + " Portal:127.0.0.1:" + server.port() + ",7"), listed);
        assertTrue(listed.contains("Target:" + TARGET + " Portal:127.0.0.2:3261,2"), listed);
        final String inquiry = run(0, "iscsi-inq", url(TARGET));
        assertTrue(inquiry.contains("Vendor:CISTERN"), inquiry);
        await().atMost(Duration.ofSeconds(10)).until(() -> closed.contains("Disk"));
        final String unknown = run(10, "iscsi-inq", url("iqn.2026-11.io.cistern:nope"));
        assertTrue(unknown.contains("Target not found"), unknown);
        final String busy = run(10, "iscsi-inq", url("iqn.2026-11.io.cistern:busy"));
        assertTrue(busy.toLowerCase().contains("unavailable"), busy);
    }

    @Test
    void qemuImgCopiesAnImageInAndOutByteForByte() throws Exception
    {
        final byte[] image = new byte[8 << 20];
        new Random(42).nextBytes(image);
        final Path in = tmp.resolve("in.raw");
        Files.write(in, image);
        run(0, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), url(TARGET));
        assertArrayEquals(image, Arrays.copyOf(disk.bytes, image.length));
        final Path out = tmp.resolve("out.raw");
        run(0, "qemu-img", "convert", "-f", "raw", "-O", "raw", url(TARGET), out.toString());
        assertEquals(SIZE, Files.size(out));
        assertArrayEquals(image, Arrays.copyOf(Files.readAllBytes(out), image.length));
    }

    @Test
    void libiscsisConformanceTestsOfTheBlockCommandsAndTheProtocolPass() throws Exception
    {
        // A selection that runs in seconds; the whole suite runs against a real cluster in multi-jvm-tests.
        for (final String family : List.of("ALL.Read10", "ALL.Write16", "ALL.CompareAndWrite", "ALL.Unmap", "ALL.WriteSame10",
            "ALL.Inquiry", "ALL.ReadCapacity16", "ALL.ReportSupportedOpcodes", "ALL.iSCSIResiduals", "ALL.iSCSITMF",
            "ALL.iSCSIcmdsn", "ALL.iSCSIdatasn", "ALL.PrinReadKeys", "ALL.PrinServiceactionRange", "ALL.PrinReportCapabilities",
            "ALL.ProutRegister", "ALL.ProutReserve", "ALL.ProutClear", "ALL.ProutPreempt"))
        {
            final String output = run(0, "iscsi-test-cu", "-d", "-s", "-t", family, url(TARGET));
            final Matcher tests = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(output);
            assertTrue(tests.find(), output);
            assertEquals("0", tests.group(4), family + " had failures:\n" + output);
            assertTrue(Integer.parseInt(tests.group(3)) > 0, family + " ran nothing:\n" + output);
        }
    }

    @Test
    void aPduOtherThanLoginIsRefusedWithALoginRejectAndTheConnectionClosed() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(5000);
            final byte[] nop = new byte[48];
            nop[0] = Iscsi.NOP_OUT | Iscsi.IMMEDIATE;
            socket.getOutputStream().write(nop);
            final byte[] response = new byte[48];
            new DataInputStream(socket.getInputStream()).readFully(response);
            assertEquals(Iscsi.LOGIN_RESPONSE, response[0] & 0x3f);
            assertEquals(Iscsi.LOGIN_INVALID_DURING_LOGIN, (response[36] & 0xff) << 8 | response[37] & 0xff);
            assertEquals(-1, socket.getInputStream().read(), "closed after the reject");
        }
        assertEquals(1, server.counters().refusedLogins());
    }

    @Test
    void aLoginWithoutAnInitiatorNameIsToldItIsMissing() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(5000);
            send(socket.getOutputStream(), login(0x87, "SessionType=Discovery\0"));
            final byte[] response = new byte[48];
            new DataInputStream(socket.getInputStream()).readFully(response);
            assertEquals(Iscsi.LOGIN_MISSING_PARAMETER, (response[36] & 0xff) << 8 | response[37] & 0xff);
        }
    }

    @Test
    void aDataSegmentLargerThanDeclaredIsRejectedAndTheConnectionClosed() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(5000);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            // Straight from the security stage to the full feature phase (T=1, CSG 0, NSG 3).
            send(socket.getOutputStream(), login(0x83, "InitiatorName=iqn.2026-12.test:raw\0SessionType=Discovery\0AuthMethod=None\0"));
            final byte[] response = new byte[48];
            in.readFully(response);
            assertEquals(0, (response[36] & 0xff) << 8 | response[37] & 0xff, "login succeeded");
            in.skipNBytes(padded(ByteBuffer.wrap(response).getInt(4) & 0xffffff));
            final byte[] text = new byte[48 + Iscsi.MAX_RECV_DATA_SEGMENT + 4];
            text[0] = Iscsi.TEXT_REQUEST | Iscsi.IMMEDIATE;
            text[1] = (byte)Iscsi.FINAL;
            ByteBuffer.wrap(text).putInt(4, Iscsi.MAX_RECV_DATA_SEGMENT + 4);
            socket.getOutputStream().write(text);
            in.readFully(response);
            assertEquals(Iscsi.REJECT, response[0] & 0x3f);
            assertEquals(Iscsi.REJECT_PROTOCOL_ERROR, response[2]);
            in.skipNBytes(48);
            assertEquals(-1, in.read(), "closed after the reject");
        }
        assertEquals(1, server.counters().rejects());
    }

    @Test
    void aConnectionThatNeverSpeaksIsClosedAtTheLoginDeadline() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout((int)LOGIN_TIMEOUT.toMillis() * 5);
            final long started = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read());
            final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMillis >= LOGIN_TIMEOUT.toMillis() - 100, "closed at the deadline, not before: " + tookMillis + " ms");
        }
        assertEquals(1, server.counters().loginTimeouts());
    }

    /** A login request PDU with {@code flags} (T, CSG, NSG) and the keys as its data segment. */
    private static byte[] login(final int flags, final String keys)
    {
        final byte[] data = keys.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer pdu = ByteBuffer.allocate(48 + padded(data.length));
        pdu.put(0, (byte)(Iscsi.LOGIN_REQUEST | Iscsi.IMMEDIATE));
        pdu.put(1, (byte)flags);
        pdu.putInt(4, data.length);
        pdu.put(8, (byte)0x80); // ISID: random format
        pdu.putInt(16, 1); // ITT
        pdu.put(48, data);
        return pdu.array();
    }

    private static int padded(final int length)
    {
        return (length + 3) & ~3;
    }

    private static void send(final OutputStream out, final byte[] pdu) throws IOException
    {
        out.write(pdu);
        out.flush();
    }
}
