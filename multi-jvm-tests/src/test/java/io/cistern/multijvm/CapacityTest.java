package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * New capacity is used without manual steps: a fourth node added to a three-node cluster holding a
 * mirror-3 volume (a quarter of each drive) gets copies moved onto it by rebalancing until the drives
 * are within ten percentage points of each other, and the data verifies through the new node. Then two
 * drives join running nodes, one by {@code cistern drive add} and one by an edit of its node's
 * configuration file, and are filled the same way, without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CapacityTest
{
    private static final int PORT_OFFSET = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JOB = List.of("--name=capacity", "--ioengine=nbd", "--rw=write", "--bs=64k", "--size=64M",
        "--iodepth=4", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private TestCluster cluster;
    private Path data;

    private String nbd(final int node)
    {
        return "--uri=nbd://127.0.0.1:" + (10809 + PORT_OFFSET + node - 1) + "/vol1";
    }

    @BeforeAll
    void startCluster() throws Exception
    {
        cluster = TestCluster.up(logs, "capacity", PORT_OFFSET, "--nodes", "3", "--drives", "1", "--drive-size", "256M", "--slab-size", "16M");
        data = cluster.data();
        final CisternCli.Result create = cluster.cistern(60, "volume", "create", "vol1", "--size", "64M", "--resiliency", "mirror-3",
            "--provisioning", "fixed");
        assertEquals(0, create.exit(), create.output());
        final Tools.Result fio = Tools.run(300, fio(1, "--do_verify=1"));
        assertEquals(0, fio.exit(), fio.output());
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aFourthNodeAddedToAClusterHoldingDataGetsCopiesByRebalancing() throws Exception
    {
        final CisternCli.Result even = cluster.cistern(60, "pool", "optimize");
        assertTrue(even.output().contains("nothing to move"), "three equal drives: " + even.output());

        final Instant added = Instant.now();
        final CisternCli.Result add = cluster.cistern(300, "node", "add");
        assertEquals(0, add.exit(), add.output());
        assertTrue(add.output().contains("node-4 joined the pool"), add.output());

        // Make before break: while copies move, a client writes, and every slab keeps three copies in sync.
        final Process writer = new ProcessBuilder(fio(2, "--do_verify=1", "--rate=8m")).redirectErrorStream(true)
            .redirectOutput(cluster.tmp().resolve("fio-during-rebalance.log").toFile()).start();
        final int[] fewestInSync = {3};
        final StringBuilder dipped = new StringBuilder();
        try
        {
            Awaitility.await("copies move onto node 4 until the drives are even").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(200)).until(() ->
                {
                    // Straight from the API: the CLI takes longer than a copy's move.
                    final JsonNode detail = JSON.readTree(cluster.get("node-1", "/api/v1/volumes/vol1")).path("detail");
                    for (final JsonNode slab : detail.path("slabs"))
                    {
                        final int inSync = slab.path("extents").findValuesAsText("state").stream()
                            .filter("IN_SYNC"::equals).mapToInt(x -> 1).sum();
                        if (inSync < fewestInSync[0])
                        {
                            fewestInSync[0] = inSync;
                            dipped.append(slab).append('\n');
                        }
                    }
                    return "HEALTHY".equals(detail.path("health").asText()) && detail.path("extentsByNode").path("node-4").asInt() > 0 &&
                        spread() <= 10.0;
                });
            assertTrue(writer.waitFor(120, TimeUnit.SECONDS), "fio during the rebalance finished");
            assertEquals(0, writer.exitValue(), Files.readString(cluster.tmp().resolve("fio-during-rebalance.log")));
        }
        finally
        {
            writer.destroyForcibly();
        }
        assertEquals(3, fewestInSync[0], "a slab had fewer copies in sync while its copy moved: " + dipped);
        final JsonNode detail = show().path("detail");
        System.out.printf("node-4 added; %d copies rebalanced onto it, drives within %.1f percentage points after %.1f s%n",
            detail.path("extentsByNode").path("node-4").asInt(), spread(), Duration.between(added, Instant.now()).toMillis() / 1e3);
        for (final JsonNode slab : detail.path("slabs"))
        {
            assertEquals(3, slab.path("extents").findValuesAsText("node").stream().distinct().count(), "three nodes per slab: " + slab);
        }
        final JsonNode jobs = JSON.readTree(cluster.cistern(60, "job", "list", "--json").output()).path("jobs");
        long rebalanced = 0;
        for (final JsonNode job : jobs)
        {
            if ("REBALANCE".equals(job.path("type").asText()) && "DONE".equals(job.path("state").asText()))
            {
                assertEquals("node-4", job.path("node").asText(), job.toString());
                rebalanced += job.path("bytesDone").asLong();
            }
        }
        assertEquals(detail.path("extentsByNode").path("node-4").asInt() * (16L << 20), rebalanced,
            "each copy on node 4 was moved there by a rebalance job, whole: " + jobs);

        final Tools.Result verify = Tools.run(300, fio(4, "--verify_only"));
        assertEquals(0, verify.exit(), verify.output());
        final CisternCli.Result after = cluster.cistern(60, "pool", "optimize");
        assertTrue(after.output().contains("nothing to move"), after.output());
    }

    @Test
    @Order(2)
    void drivesAddedToRunningNodesJoinThePoolAndAreFilledByRebalancing() throws Exception
    {
        final Instant added = Instant.now();
        final CisternCli.Result add = cluster.cistern(120, "drive", "add", "--node", "node-1");
        assertEquals(0, add.exit(), add.output());
        final Path byCli = data.resolve("node-1").resolve("drives").resolve("drive-2");
        assertTrue(add.output().contains("at " + byCli + " on node-1: joined the pool"), add.output());
        assertTrue(Files.readString(data.resolve("node-1").resolve("node.conf")).contains("cistern.node.drives += { path = \"" + byCli),
            "drive add keeps the drive in node-1's configuration for its next start");
        final CisternCli.Result again = cluster.cistern(120, "drive", "add", byCli.toString(), "--node", "node-1");
        assertEquals(2, again.exit(), "a user error: " + again.output());
        assertTrue(again.output().contains(byCli + " is already drive "), again.output());

        // An administrator lists a new drive in node-2's configuration: the running node picks it up.
        final Path byConfig = Files.createDirectories(data.resolve("node-2").resolve("drives").resolve("drive-2"));
        Files.writeString(data.resolve("node-2").resolve("node.conf"),
            "cistern.node.drives += { path = \"" + byConfig + "\", media-type = hdd, capacity = 256M }\n", StandardOpenOption.APPEND);

        Awaitility.await("copies move onto the added drives until the drives are even").atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(2)).until(() ->
            {
                final JsonNode drives = drives();
                return "HEALTHY".equals(show().path("detail").path("health").asText()) && allocated(drives, byCli) > 0 &&
                    allocated(drives, byConfig) > 0 && spread() <= 10.0;
            });
        System.out.printf("drives added to node-1 (drive add) and node-2 (configuration); %d and %d MiB rebalanced onto them, " +
            "drives within %.1f percentage points after %.1f s%n", allocated(drives(), byCli) >> 20, allocated(drives(), byConfig) >> 20,
            spread(), Duration.between(added, Instant.now()).toMillis() / 1e3);
        final JsonNode drives = drives();
        assertEquals(6, drives.size(), drives.toString());
        for (final JsonNode drive : drives)
        {
            assertEquals("HEALTHY", drive.path("health").asText(), drive.toString());
        }
        for (final JsonNode slab : show().path("detail").path("slabs"))
        {
            assertEquals(3, slab.path("extents").findValuesAsText("node").stream().distinct().count(), "three nodes per slab: " + slab);
        }
        final Tools.Result verify = Tools.run(300, fio(2, "--verify_only"));
        assertEquals(0, verify.exit(), verify.output());
    }

    private static long allocated(final JsonNode drives, final Path path)
    {
        for (final JsonNode drive : drives)
        {
            if (drive.path("path").asText().equals(path.toString()))
            {
                return drive.path("allocatedBytes").asLong();
            }
        }
        return -1;
    }

    private JsonNode drives() throws Exception
    {
        return JSON.readTree(cluster.cistern(60, "drive", "list", "--json").output()).path("drives");
    }

    private String[] fio(final int node, final String... mode)
    {
        final List<String> command = new ArrayList<>(List.of("fio", nbd(node)));
        command.addAll(List.of(mode));
        command.addAll(1, JOB);
        return command.toArray(new String[0]);
    }

    /** The fullest minus the emptiest drive's use of its capacity, in percentage points. */
    private double spread() throws Exception
    {
        double min = 100;
        double max = 0;
        for (final JsonNode drive : drives())
        {
            final double used = 100.0 * drive.path("allocatedBytes").asLong() / drive.path("capacityBytes").asLong();
            min = Math.min(min, used);
            max = Math.max(max, used);
        }
        return max - min;
    }

    private JsonNode show() throws Exception
    {
        return JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output());
    }
}
