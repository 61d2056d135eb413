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

    private record Result(int exit, String out, String err)
    {
    }

    private Result run(final String... args)
    {
        final CommandLine cli = Cistern.commandLine();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void upRefusesImpossibleLayoutsAndLaysOutNothing()
    {
        final Path data = tmp.resolve("data");
        final Result nodes = run("up", "--nodes", "17", "--data", data.toString());
        assertEquals(2, nodes.exit());
        assertTrue(nodes.err().contains("--nodes=17: a cluster has 1 to 16 nodes"), nodes.err());

        final Result size = run("up", "--drive-size", "8Q", "--data", data.toString());
        assertEquals(2, size.exit());
        assertTrue(size.err().contains("--drive-size=8Q: '8Q' is not a size"), size.err());

        assertFalse(Files.exists(data.resolve(ClusterFile.NAME)));
    }

    @Test
    void aNewClusterGetsAnIdAndATokenOnlyItsOwnerReads() throws Exception
    {
        final Path data = tmp.resolve("secret");
        final ClusterFile file = new LocalCluster(data, System.out).create(2, 1, 1L << 30,
            new LocalCluster.Tuning(16L << 20, java.time.Duration.ofMinutes(15), 64L << 20), 0, false);
        final String token = ClusterFile.token(data);
        assertTrue(token != null && token.length() >= 40, "a 256-bit token: " + token);
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
            java.nio.file.Files.getPosixFilePermissions(data.resolve(ClusterFile.TOKEN)));
        for (final ClusterFile.Node node : file.nodes())
        {
            final Path conf = Path.of(node.config());
            assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), java.nio.file.Files.getPosixFilePermissions(conf),
                "it holds the token");
            final String text = java.nio.file.Files.readString(conf);
            assertTrue(text.contains("api.token = \"" + token + "\"") && text.contains("id = \"" + file.id() + "\""), text);
        }
        assertEquals(file.id(), ClusterFile.read(data).id());
    }

    @Test
    void drivesThatTheFilesystemCannotHoldAreRefusedAsTheUsersError() throws Exception
    {
        final Path data = tmp.resolve("too-big");
        final Result result = run("up", "--nodes", "3", "--drives", "4", "--drive-size", "1P", "--data", data.toString());
        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().contains("12 drive(s) of 1.0 PiB (3 node(s) x 4) need 12.0 PiB, and the filesystem of " + data), result.err());
        assertTrue(result.err().contains("give a smaller --drive-size"), result.err());
        assertTrue(!java.nio.file.Files.exists(data.resolve(ClusterFile.NAME)), "nothing laid out");
    }

    @Test
    void upOnALaidOutFolderRefusesTheFlagsItCannotChange() throws Exception
    {
        final Path data = tmp.resolve("laid-out");
        new LocalCluster(data, System.out).create(3, 1, 1L << 30, new LocalCluster.Tuning(16L << 20, java.time.Duration.ofMinutes(15), 64L << 20), 0,
            false);
        final Result result = run("up", "--nodes", "5", "--drive-size", "2G", "--data", data.toString());
        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().contains("the cluster in " + data + " is laid out already, and --nodes, --drive-size cannot change on it"),
            result.err());
        assertEquals(3, new LocalCluster(data, System.out).read().nodes().size(), "the layout is as it was");
    }

    @Test
    void commandsNeedAClusterToTalkTo()
    {
        final Result down = run("down", "--data", tmp.resolve("none").toString());
        assertEquals(2, down.exit(), "a folder with no cluster is the user's error");
        assertTrue(down.err().contains("no cluster in " + tmp.resolve("none")), down.err());
    }

    @Test
    void nodeNeedsAConfigOrASubcommand()
    {
        final Result result = run("node");
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("needs --config FILE"), result.err());
    }

    @Test
    void unknownCommandsAreUsageErrors()
    {
        assertEquals(2, run("frobnicate").exit());
    }

    @Test
    void everySubcommandAnswersHelp()
    {
        final Result create = run("volume", "create", "--help");
        assertEquals(0, create.exit(), create.err());
        assertTrue(create.out().startsWith("Usage: cistern volume create "), create.out());
        assertTrue(create.out().contains("--resiliency"), create.out());

        final CommandLine root = Cistern.commandLine();
        for (final CommandLine command : root.getSubcommands().values())
        {
            for (final CommandLine sub : command.getSubcommands().values())
            {
                final String name = command.getCommandName() + " " + sub.getCommandName();
                final Result help = run(command.getCommandName(), sub.getCommandName(), "-h");
                assertEquals(0, help.exit(), name + ": " + help.err());
                assertTrue(help.out().startsWith("Usage: cistern " + name), name + ": " + help.out());
            }
        }
    }

    @Test
    void helpFollowsEveryWordToTheCommandItNames()
    {
        final Result add = run("help", "node", "add");
        assertEquals(0, add.exit(), add.err());
        assertTrue(add.out().startsWith("Usage: cistern node add"), add.out());

        final Result top = run("help");
        assertTrue(top.out().contains("Exit codes:"), top.out());

        final Result unknown = run("help", "node", "frobnicate");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("`cistern node` has no subcommand 'frobnicate'; it has: start, add"), unknown.err());
    }

    @Test
    void anEndpointWithoutASchemeIsAUserErrorThatSaysWhatOneLooksLike()
    {
        for (final String endpoint : new String[] {"127.0.0.1:7626", "localhost:7626", "http://", "http://127.0.0.1:7626/api", "http://[::1"})
        {
            final Result result = run("volume", "list", "--endpoint", endpoint);
            assertEquals(2, result.exit(), endpoint + ": " + result.err());
            assertTrue(result.err().startsWith("cistern: --endpoint=" + endpoint + ": "), result.err());
            assertTrue(result.err().contains("e.g. --endpoint http://127.0.0.1:7626"), result.err());
        }
    }

    @Test
    void aClusterThatDoesNotAnswerIsAClusterError() throws Exception
    {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        final Result result = run("volume", "list", "--endpoint", "http://127.0.0.1:" + port);
        assertEquals(1, result.exit(), result.err());
        assertTrue(result.err().contains("GET http://127.0.0.1:" + port + "/api/v1/volumes failed"), result.err());
    }
}
