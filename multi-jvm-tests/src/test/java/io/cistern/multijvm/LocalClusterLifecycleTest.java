package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real launcher and real node JVMs: {@code cistern up} forms a 3-node cluster with 6 drives, a node
 * killed with SIGKILL shows its drives LOST_COMMUNICATION, {@code cistern node start} brings them back
 * HEALTHY, and {@code cistern down} leaves no process behind.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LocalClusterLifecycleTest
{
    /** Keeps this cluster's ports clear of a developer's cluster on the default ports. */
    private static final String PORT_OFFSET = "1000";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    @TempDir
    Path tmp;

    private final CisternCli cli = new CisternCli();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path data;

    @AfterEach
    void stopWhatWeStarted() throws Exception
    {
        if (data == null)
        {
            return;
        }
        cli.run(120, "down", "--data", data.toString());
        // Belt and braces: anything `down` left behind is killed by its recorded pid.
        for (final long pid : pids())
        {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void upKillRestartDown() throws Exception
    {
        data = tmp.resolve("cistern-data");
        logs.watch(data);

        final long started = System.nanoTime();
        final CisternCli.Result up = cli.run(300, "up", "--nodes", "3", "--drives", "2", "--drive-size", "1G",
            "--data", data.toString(), "--port-offset", PORT_OFFSET);
        assertEquals(0, up.exit(), up.output());
        System.out.printf("cistern up took %.1f s to a ready cluster%n", (System.nanoTime() - started) / 1e9);

        final JsonNode cluster = JSON.readTree(data.resolve("cluster.json").toFile());
        final List<String> endpoints = new ArrayList<>();
        cluster.path("nodes").forEach(n -> endpoints.add(n.path("http").asText()));
        assertEquals(3, endpoints.size());
        for (final String endpoint : endpoints)
        {
            assertEquals(200, status(endpoint + "/ready"), endpoint + "/ready");
        }
        // Ready means each node registered its own drives; node 1's pool view learns the others' from the
        // journal a moment later.
        Awaitility.await("node 1 lists all six drives").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> healthByDrive(endpoints.get(0)).size() == 6);
        final Map<String, String> healthy = healthByDrive(endpoints.get(0));
        assertEquals(6, healthy.size(), healthy.toString());
        assertTrue(healthy.values().stream().allMatch("HEALTHY"::equals), healthy.toString());

        final CisternCli.Result again = cli.run(120, "up", "--data", data.toString(), "--port-offset", PORT_OFFSET);
        assertEquals(2, again.exit(), "a second `up` on a running cluster must refuse, as a user error");
        assertTrue(again.output().contains("a cluster is already running from " + data), again.output());

        // Another (stopped) cluster's folder that names these ports: the CLI must not act on this cluster
        // for it. Its cluster.json is this one's with another id, as a folder laid out on the same offset has.
        final Path other = Files.createDirectories(tmp.resolve("other-cluster"));
        final com.fasterxml.jackson.databind.node.ObjectNode foreign = (com.fasterxml.jackson.databind.node.ObjectNode) cluster.deepCopy();
        foreign.put("id", "another-cluster-0000");
        foreign.put("data", other.toString());
        JSON.writeValue(other.resolve("cluster.json").toFile(), foreign);
        Files.copy(data.resolve("api-token"), other.resolve("api-token"));
        final CisternCli.Result elsewhere = cli.run(60, "volume", "list", "--data", other.toString());
        assertEquals(1, elsewhere.exit(), elsewhere.output());
        assertTrue(elsewhere.output().contains("is not a node of the cluster in " + other + " (cluster another-cluster-0000): it answers for "
            + "cluster " + cluster.path("id").asText()), elsewhere.output());
        final CisternCli.Result noToken = cli.run(60, "volume", "list", "--endpoint", endpoints.get(0));
        assertEquals(2, noToken.exit(), "no token: the API refuses, a user error\n" + noToken.output());
        assertTrue(noToken.output().contains("needs a bearer token"), noToken.output());

        // Past 80% of the pool allocated, the health service says so; the volume gone, the fault clears.
        final CisternCli.Result fill = cli.run(120, "volume", "create", "fill", "--size", "1792M", "--resiliency", "mirror-3",
            "--provisioning", "fixed", "--data", data.toString());
        assertEquals(0, fill.exit(), fill.output());
        Awaitility.await("a pool capacity fault").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
            .until(() -> faultKinds().contains("WARNING POOL_CAPACITY the pool"));
        final CisternCli.Result emptied = cli.run(120, "volume", "delete", "fill", "--data", data.toString());
        assertEquals(0, emptied.exit(), emptied.output());
        Awaitility.await("the capacity faults cleared").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
            .until(() -> faultKinds().isEmpty());

        // SIGKILL node-2: its two drives become LOST_COMMUNICATION, the others stay HEALTHY.
        final JsonNode node2 = nodeNamed(cluster, "node-2");
        final ProcessHandle victim = ProcessHandle.of(node2.path("pid").asLong()).orElseThrow();
        victim.destroyForcibly();
        victim.onExit().get(30, TimeUnit.SECONDS);
        final long killed = System.nanoTime();
        awaitDrives(endpoints.get(0), "node-2's drives LOST_COMMUNICATION, the rest HEALTHY", drives ->
            drives.size() == 6 && drives.entrySet().stream().allMatch(e ->
                e.getValue().equals(e.getKey().startsWith("node-2/") ? "LOST_COMMUNICATION" : "HEALTHY")));
        System.out.printf("node-2's drives reported LOST_COMMUNICATION %.1f s after SIGKILL%n", (System.nanoTime() - killed) / 1e9);

        // One fault for the node, not one per drive (the root cause).
        Awaitility.await("one NODE_DOWN fault").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
            .until(this::faultKinds, kinds -> kinds.size() == 1 && kinds.get(0).startsWith("CRITICAL NODE_DOWN node node-2 "));

        final CisternCli.Result degraded = cli.run(60, "status", "--data", data.toString());
        assertEquals(1, degraded.exit(), "status exits 1 while a node is down: " + degraded.output());
        assertTrue(degraded.output().contains("1 of 3 node(s) stopped or not ready"), degraded.output());
        final CisternCli.Result degradedJson = cli.run(60, "status", "--json", "--data", data.toString());
        assertEquals(1, degradedJson.exit(), degradedJson.output());
        final JsonNode statusDocument = JSON.readTree(degradedJson.output());
        assertEquals(1, statusDocument.path("down").asInt(), degradedJson.output());
        assertEquals(cluster.path("id").asText(), statusDocument.path("cluster").asText());
        for (final JsonNode node : statusDocument.path("nodes"))
        {
            final boolean second = node.path("name").asText().equals("node-2");
            assertEquals(second ? "stopped" : "running", node.path("process").asText(), node.toString());
            assertEquals(!second, node.path("ready").asBoolean(false), node.toString());
        }

        final CisternCli.Result restart = cli.run(300, "node", "start", "node-2", "--data", data.toString());
        assertEquals(0, restart.exit(), restart.output());
        awaitDrives(endpoints.get(2), "every drive HEALTHY again",
            drives -> drives.size() == 6 && drives.values().stream().allMatch("HEALTHY"::equals));

        Awaitility.await("the node's fault cleared").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
            .until(() -> faultKinds().isEmpty());

        final CisternCli.Result status = cli.run(60, "status", "--data", data.toString());
        assertEquals(0, status.exit(), status.output());
        assertEquals(3, status.output().lines().filter(l -> l.matches("node-\\d\\s+\\d+\\s+running\\s+yes\\s+Up.*")).count(),
            status.output());

        final List<Long> pids = pids();
        assertEquals(3, pids.size(), "three nodes and no journal process (the nodes keep the journal): " + pids);
        assertTrue(cluster.path("journal").isNull() || cluster.path("journal").isMissingNode(), cluster.toString());
        final CisternCli.Result down = cli.run(180, "down", "--data", data.toString());
        assertEquals(0, down.exit(), down.output());
        for (final long pid : pids)
        {
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "pid " + pid + " survived `cistern down`");
        }
    }

    private static JsonNode nodeNamed(final JsonNode cluster, final String name)
    {
        for (final JsonNode node : cluster.path("nodes"))
        {
            if (node.path("name").asText().equals(name))
            {
                return node;
            }
        }
        throw new AssertionError("no " + name + " in cluster.json");
    }

    /** Pids recorded in cluster.json that are alive now. */
    private List<Long> pids() throws IOException
    {
        final List<Long> pids = new ArrayList<>();
        final JsonNode cluster = JSON.readTree(data.resolve("cluster.json").toFile());
        final List<JsonNode> processes = new ArrayList<>();
        cluster.path("nodes").forEach(processes::add);
        processes.add(cluster.path("journal"));
        for (final JsonNode process : processes)
        {
            final long pid = process.path("pid").asLong();
            if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                pids.add(pid);
            }
        }
        return pids;
    }

    /** The current faults as "SEVERITY KIND subject", from `cistern fault list --json`. */
    private List<String> faultKinds() throws Exception
    {
        final CisternCli.Result listed = cli.run(60, "fault", "list", "--json", "--data", data.toString());
        assertEquals(0, listed.exit(), listed.output());
        final List<String> kinds = new ArrayList<>();
        JSON.readTree(listed.output()).path("faults").forEach(f ->
            kinds.add(f.path("severity").asText() + " " + f.path("kind").asText() + " " + f.path("subject").asText()));
        return kinds;
    }

    /** Drive health keyed by "node/path", from a node's API. */
    private Map<String, String> healthByDrive(final String endpoint) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = http.send(
            TestCluster.authorized(data, endpoint + "/api/v1/drives").timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        final Map<String, String> health = new TreeMap<>();
        for (final JsonNode drive : JSON.readTree(response.body()).path("drives"))
        {
            health.put(drive.path("node").asText() + "/" + drive.path("path").asText(), drive.path("health").asText());
        }
        return health;
    }

    private void awaitDrives(final String endpoint, final String what, final Predicate<Map<String, String>> condition)
    {
        Awaitility.await(what)
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsMatching(e -> e instanceof IOException)
            .until(() -> healthByDrive(endpoint), condition::test);
    }

    private int status(final String url)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
