package io.cistern.node.frontend.iscsi;

import io.cistern.config.IscsiSettings;
import io.cistern.node.volume.LocalReservations;
import io.cistern.node.volume.MemoryVolume;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A target with a CHAP secret, against libiscsi's initiator with the right secret, a wrong one and none. */
class IscsiChapTest
{
    private static final String SECRET = "correct-horse-battery";
    private final MemoryVolume disk = new MemoryVolume(4 << 20);
    private IscsiServer server;

    @BeforeEach
    void start() throws IOException
    {
        server = IscsiServer.start("127.0.0.1", 1, new IscsiSettings(0, Duration.ofSeconds(5), 16, 16, 1,
            new IscsiSettings.Chap("cluster-admin", SECRET)), new VolumeCatalog()
        {
            @Override
            public List<String> names()
            {
                return List.of("disk");
            }

            @Override
            public VolumeIo open(final String name, final String client)
            {
                return name.equals("disk") ? disk : null;
            }

            @Override
            public void close(final String name, final String client, final VolumeIo volume)
            {
            }
        }, List::of, new LocalReservations(), "iscsi@test~1#");
    }

    @AfterEach
    void stop() throws IOException
    {
        server.close();
    }

    private String url(final String credentials)
    {
        return "iscsi://" + credentials + "127.0.0.1:" + server.port() + "/iqn.2026-11.io.cistern:disk/0";
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
    void theRightSecretLogsInAndAWrongOneOrNoneIsRefused() throws Exception
    {
        assertTrue(run(0, "iscsi-inq", url("cluster-admin%" + SECRET + "@")).contains("Vendor:CISTERN"));
        final String wrong = run(10, "iscsi-inq", url("cluster-admin%not-the-secret@"));
        assertTrue(wrong.contains("Authentication failure"), wrong);
        final String none = run(10, "iscsi-inq", url(""));
        assertTrue(none.contains("Authentication failure"), none);
        assertTrue(run(0, "iscsi-ls", "iscsi://cluster-admin%" + SECRET + "@127.0.0.1:" + server.port())
            .contains("iqn.2026-11.io.cistern:disk"), "discovery with CHAP");
        assertEquals(2, server.counters().refusedLogins());
    }

    @Test
    void aChapResponseIsHexOrBase64()
    {
        assertEquals(2, Chap.decode("0x0aff").length);
        assertEquals(3, Chap.decode("0bAAEC").length);
        assertEquals(null, Chap.decode("123"));
    }
}
