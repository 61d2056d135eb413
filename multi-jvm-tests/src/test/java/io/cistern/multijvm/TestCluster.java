package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one way a multi-JVM test gets a cluster: {@code bin/cistern up} in a folder of its own, the node logs
 * watched (printed if a test fails), then asked what an administrator would ask (the CLI for volumes and
 * drives, each node's HTTP API for its jobs, {@code cluster.json} for the processes), its nodes killed and
 * started again, and {@code bin/cistern down} at the end. A test class holds one and shares it between
 * its cases, which keeps the suite's time down.
 */
final class TestCluster implements AutoCloseable
{
    static final ObjectMapper JSON = new ObjectMapper();

    private final CisternCli cli;
    private final Path tmp;
    private final Path data;
    private final int portOffset;
    private final HttpClient http = HttpClient.newHttpClient();
    private int drivesExpected;

    private TestCluster(final CisternCli cli, final Path tmp, final int portOffset)
    {
        this.cli = cli;
        this.tmp = tmp;
        this.data = tmp.resolve("cistern-data");
        this.portOffset = portOffset;
    }

    /**
     * Starts a local cluster: {@code cistern up OPTIONS --data <temp>/cistern-data --port-offset OFFSET}.
     *
     * @param name   what the temporary folder is called after.
     * @param offset the port offset: each test class has its own, so a cluster left behind by one cannot
     *               take another's ports.
     */
    static TestCluster up(final NodeLogs logs, final String name, final int offset, final String... options) throws Exception
    {
        final TestCluster cluster = new TestCluster(new CisternCli(), Files.createTempDirectory("cistern-" + name + "-"), offset);
        logs.watch(cluster.data);
        final List<String> args = new ArrayList<>(List.of("up"));
        args.addAll(Arrays.asList(options));
        args.addAll(List.of("--data", cluster.data.toString(), "--port-offset", Integer.toString(offset)));
        final CisternCli.Result up = cluster.cli.run(300, args.toArray(new String[0]));
        assertEquals(0, up.exit(), up.output());
        // Every node is ready once its own drives are registered; the pool view that places a new volume
        // may learn the last of them a moment later, and a volume placed before that is uneven (and then
        // rebalanced under the test's feet).
        cluster.drivesExpected = option(options, "--nodes", 3) * option(options, "--drives", 4);
        cluster.awaitHealthyDrives();
        return cluster;
    }

    private static int option(final String[] options, final String name, final int otherwise)
    {
        for (int i = 0; i + 1 < options.length; i++)
        {
            if (options[i].equals(name))
            {
                return Integer.parseInt(options[i + 1]);
            }
        }
        return otherwise;
    }

    /** Waits until the pool lists every drive the cluster was started with HEALTHY (after a start, a restart). */
    void awaitHealthyDrives()
    {
        org.awaitility.Awaitility.await("the pool lists every drive HEALTHY").atMost(java.time.Duration.ofSeconds(60))
            .pollInterval(java.time.Duration.ofMillis(500)).until(() ->
            {
                int healthy = 0;
                for (final JsonNode drive : drives())
                {
                    healthy += "HEALTHY".equals(drive.path("health").asText()) ? 1 : 0;
                }
                return healthy == drivesExpected;
            });
    }

    /** A scratch folder of the test's, beside the cluster's data. */
    Path tmp()
    {
        return tmp;
    }

    Path data()
    {
        return data;
    }

    int portOffset()
    {
        return portOffset;
    }

    /** Runs {@code cistern ARGS --data <this cluster>} and returns what it printed. */
    CisternCli.Result cistern(final long timeoutSeconds, final String... args) throws Exception
    {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--data", data.toString()));
        return cli.run(timeoutSeconds, all.toArray(new String[0]));
    }

    /** Runs a {@code cistern} command that must succeed. */
    CisternCli.Result ok(final String... args) throws Exception
    {
        final CisternCli.Result result = cistern(300, args);
        assertEquals(0, result.exit(), result.output());
        return result;
    }

    /** The NBD port of node {@code n} (1-based). */
    int nbdPort(final int n)
    {
        return 10809 + portOffset + n - 1;
    }

    /** {@code nbd://127.0.0.1:PORT/VOLUME} through node {@code n}. */
    String nbd(final int n, final String volume)
    {
        return "nbd://127.0.0.1:" + nbdPort(n) + "/" + volume;
    }

    /** The HTTP endpoint of node {@code n}. */
    String endpoint(final int n)
    {
        return "http://127.0.0.1:" + (7626 + portOffset + n - 1);
    }

    /** SIGKILLs a node and waits until its process is gone. */
    void kill(final String node) throws Exception
    {
        final ProcessHandle process = ProcessHandle.of(node(node).path("pid").asLong()).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
    }

    /** {@code cistern node start NODE}: starts a stopped or killed node and waits until it is ready. */
    void start(final String node) throws Exception
    {
        ok("node", "start", node);
    }

    /** {@code cistern volume show NAME --json}. */
    JsonNode volume(final String name) throws Exception
    {
        return JSON.readTree(cistern(60, "volume", "show", name, "--json").output());
    }

    /** {@code cistern drive list --json}'s drives. */
    JsonNode drives() throws Exception
    {
        return JSON.readTree(cistern(60, "drive", "list", "--json").output()).path("drives");
    }

    /** The first drive of a node in {@code cistern drive list --json}. */
    JsonNode driveOf(final String node) throws Exception
    {
        for (final JsonNode drive : drives())
        {
            if (drive.path("node").asText().equals(node))
            {
                return drive;
            }
        }
        throw new AssertionError(node + " has no drive in the pool");
    }

    /** The pool's allocated bytes ({@code cistern pool --json}). */
    long allocated() throws Exception
    {
        return JSON.readTree(cistern(60, "pool", "--json").output()).path("allocatedBytes").asLong();
    }

    /** A node's repair jobs, from its own API ({@code GET /api/v1/jobs}). */
    JsonNode jobs(final String node) throws Exception
    {
        return JSON.readTree(get(node, "/api/v1/jobs")).path("jobs");
    }

    /** A request to the cluster's API with the bearer token `cistern up` kept in the data folder. */
    static HttpRequest.Builder authorized(final Path data, final String url) throws java.io.IOException
    {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + Files.readString(data.resolve("api-token")).trim());
    }

    /** {@link #authorized(Path, String)} for this cluster. */
    HttpRequest.Builder authorized(final String url) throws java.io.IOException
    {
        return authorized(data, url);
    }

    /** A GET on a node's HTTP port that must answer 200. */
    String get(final String node, final String path) throws Exception
    {
        final HttpResponse<String> response = http.send(authorized(node(node).path("http").asText() + path).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** A node's entry in {@code cluster.json}: its pid, ports and log. */
    JsonNode node(final String name) throws Exception
    {
        for (final JsonNode process : JSON.readTree(data.resolve("cluster.json").toFile()).path("nodes"))
        {
            if (process.path("name").asText().equals(name))
            {
                return process;
            }
        }
        throw new AssertionError(name + " is not in cluster.json");
    }

    /** {@code cistern down}: every node stopped gracefully, then the journal. */
    @Override
    /**
     * Stops the cluster and deletes its folder (gigabytes of drives per class); a failed test's node logs were
     * printed already. {@code -Dcistern.keep=true} keeps the folder to look into.
     */
    public void close() throws Exception
    {
        cli.run(180, "down", "--data", data.toString());
        if (!Boolean.getBoolean("cistern.keep"))
        {
            try (java.util.stream.Stream<Path> all = Files.walk(tmp))
            {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
