package io.cistern.node.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node that cannot start says why, with its exit code, before it touches the cluster or the journal. */
class NodeRunnerTest
{
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr()
    {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr()
    {
        System.setErr(originalErr);
    }

    @Test
    void refusesBadConfigurationWithKeyValueAndReason() throws Exception
    {
        final Path config = Files.writeString(tmp.resolve("node.conf"),
            "cistern.node.drives = [{ path = \"/nope\" }]\ncistern.nbd.port = 99999\n");
        assertEquals(NodeRunner.EXIT_BAD_CONFIG, NodeRunner.run(config));
        final String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("cistern.node.drives[0].path=/nope: does not exist"), message);
        assertTrue(message.contains("cistern.nbd.port=99999: must be between 1 and 65535"), message);
    }

    @Test
    void refusesADriveItCannotUse() throws Exception
    {
        final Path busy = Files.createDirectory(tmp.resolve("busy"));
        Files.writeString(busy.resolve("data"), "not ours");
        final Path config = Files.writeString(tmp.resolve("node.conf"),
            "cistern.node.drives = [{ path = \"" + busy + "\" }]\ncistern.node.data-dir = \"" + tmp.resolve("state") + "\"\n");
        assertEquals(NodeRunner.EXIT_BAD_DRIVE, NodeRunner.run(config));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(busy + ": is not empty and has no cistern-drive.header"));
    }
}
