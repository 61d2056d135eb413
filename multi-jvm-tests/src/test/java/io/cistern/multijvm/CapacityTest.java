package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * are within ten percentage points of each other, and the data verifies through the new node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CapacityTest
{
    private static final int PORT_OFFSET = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JOB = List.of("--name=capacity", "--ioengine=nbd", "--rw=write", "--bs=64k", "--size=64M",
        "--iodepth=4", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private final CisternCli cli = new CisternCli();
    private Path data;

    private String nbd(final int node)
    {
        return "--uri=nbd://127.0.0.1:" + (10809 + PORT_OFFSET + node - 1) + "/vol1";
    }

    @BeforeAll
    void startCluster() throws Exception
    {
        data = Files.createTempDirectory("cistern-capacity-").resolve("cistern-data");
        logs.watch(data);
        final CisternCli.Result up = cli.run(300, "up", "--nodes", "3", "--drives", "1", "--drive-size", "256M", "--slab-size", "16M",
            "--data", data.toString(), "--port-offset", Integer.toString(PORT_OFFSET));
        assertEquals(0, up.exit(), up.output());
        final CisternCli.Result create = cli.run(60, "volume", "create", "vol1", "--size", "64M", "--resiliency", "mirror-3",
            "--provisioning", "fixed", "--data", data.toString());
        assertEquals(0, create.exit(), create.output());
        final Tools.Result fio = Tools.run(300, fio(1, "--do_verify=1"));
        assertEquals(0, fio.exit(), fio.output());
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (data != null)
        {
            cli.run(180, "down", "--data", data.toString());
        }
    }

    @Test
    void aFourthNodeAddedToAClusterHoldingDataGetsCopiesByRebalancing() throws Exception
    {
        final CisternCli.Result even = cli.run(60, "pool", "optimize", "--data", data.toString());
        assertTrue(even.output().contains("nothing to move"), "three equal drives: " + even.output());

        final Instant added = Instant.now();
        final CisternCli.Result add = cli.run(300, "node", "add", "--data", data.toString());
        assertEquals(0, add.exit(), add.output());
        assertTrue(add.output().contains("node-4 joined the pool"), add.output());

        Awaitility.await("copies move onto node 4 until the drives are even").atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(2)).until(() ->
            {
                final JsonNode detail = show().path("detail");
                return "HEALTHY".equals(detail.path("health").asText()) && detail.path("extentsByNode").path("node-4").asInt() > 0 &&
                    spread() <= 10.0;
            });
        final JsonNode detail = show().path("detail");
        System.out.printf("node-4 added; %d copies rebalanced onto it, drives within %.1f percentage points after %.1f s%n",
            detail.path("extentsByNode").path("node-4").asInt(), spread(), Duration.between(added, Instant.now()).toMillis() / 1e3);
        for (final JsonNode slab : detail.path("slabs"))
        {
            assertEquals(3, slab.path("extents").findValuesAsText("node").stream().distinct().count(), "three nodes per slab: " + slab);
        }
        final JsonNode jobs = JSON.readTree(cli.run(60, "job", "list", "--json", "--data", data.toString()).output()).path("jobs");
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
        final CisternCli.Result after = cli.run(60, "pool", "optimize", "--data", data.toString());
        assertTrue(after.output().contains("nothing to move"), after.output());
    }

    private String[] fio(final int node, final String mode)
    {
        final List<String> command = new ArrayList<>(List.of("fio", nbd(node), mode));
        command.addAll(1, JOB);
        return command.toArray(new String[0]);
    }

    /** The fullest minus the emptiest drive's use of its capacity, in percentage points. */
    private double spread() throws Exception
    {
        double min = 100;
        double max = 0;
        for (final JsonNode drive : JSON.readTree(cli.run(60, "drive", "list", "--json", "--data", data.toString()).output()).path("drives"))
        {
            final double used = 100.0 * drive.path("allocatedBytes").asLong() / drive.path("capacityBytes").asLong();
            min = Math.min(min, used);
            max = Math.max(max, used);
        }
        return max - min;
    }

    private JsonNode show() throws Exception
    {
        return JSON.readTree(cli.run(60, "volume", "show", "vol1", "--json", "--data", data.toString()).output());
    }
}
