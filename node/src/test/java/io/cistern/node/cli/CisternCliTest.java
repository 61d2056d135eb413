package io.cistern.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arguments are checked before anything is laid out or started. */
class CisternCliTest
{
    @TempDir
    Path tmp;

    private record Result(int exit, String err)
    {
    }

    private Result run(final String... args)
    {
        final CommandLine cli = Cistern.commandLine();
        final StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute(args);
        return new Result(exit, err.toString());
    }

    @Test
    void upRefusesImpossibleLayoutsAndLaysOutNothing()
    {
        final Path data = tmp.resolve("data");
        final Result nodes = run("up", "--nodes", "17", "--data", data.toString());
        assertEquals(1, nodes.exit());
        assertTrue(nodes.err().contains("--nodes=17: a cluster has 1 to 16 nodes"), nodes.err());

        final Result size = run("up", "--drive-size", "8Q", "--data", data.toString());
        assertEquals(1, size.exit());
        assertTrue(size.err().contains("--drive-size=8Q: '8Q' is not a size"), size.err());

        assertFalse(Files.exists(data.resolve(ClusterFile.NAME)));
    }

    @Test
    void commandsNeedAClusterToTalkTo()
    {
        final Result down = run("down", "--data", tmp.resolve("none").toString());
        assertEquals(1, down.exit());
        assertTrue(down.err().contains("no cluster in " + tmp.resolve("none")), down.err());
    }

    @Test
    void nodeNeedsAConfigOrASubcommand()
    {
        final Result result = run("node");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("needs --config FILE"), result.err());
    }

    @Test
    void unknownCommandsAreUsageErrors()
    {
        assertEquals(2, run("frobnicate").exit());
    }
}
