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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mirror-3 volume stays online through the SIGKILL of a node: an fio write-and-verify job through
 * node 1 completes while node 2 dies under it, the copies on node 2 are marked stale instead of failing
 * the writes, and the data reads back correctly through node 2 once it is restarted, from the in-sync
 * copies, never from its own stale ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DegradedIoTest
{
    private static final int PORT_OFFSET = 2500;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The fio job: the whole volume (two slabs) in 4 KiB random writes at a bounded rate, so node 2 dies in
     * the middle of it.
     */
    private static final List<String> JOB = List.of("--name=degraded", "--ioengine=nbd", "--rw=randwrite", "--bs=4k",
        "--size=32M", "--iodepth=4", "--rate_iops=500", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0",
        "--randseed=2026", "--output-format=json");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private final CisternCli cli = new CisternCli();
    private Path tmp;
    private Path data;

    private String nbd(final int node)
    {
        return "--uri=nbd://127.0.0.1:" + (10809 + PORT_OFFSET + node - 1) + "/vol1";
    }

    @BeforeAll
    void startCluster() throws Exception
    {
        tmp = Files.createTempDirectory("cistern-degraded-");
        data = tmp.resolve("cistern-data");
        logs.watch(data);
        final CisternCli.Result up = cli.run(300, "up", "--nodes", "3", "--drives", "1", "--drive-size", "1G",
            "--slab-size", "16M", "--data", data.toString(), "--port-offset", Integer.toString(PORT_OFFSET));
        assertEquals(0, up.exit(), up.output());
        final CisternCli.Result create = cli.run(60, "volume", "create", "vol1", "--size", "32M", "--resiliency", "mirror-3",
            "--provisioning", "fixed", "--data", data.toString());
        assertEquals(0, create.exit(), create.output());
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
    @Order(1)
    void writesThroughNodeOneCompleteAndVerifyWhileNodeTwoIsKilled() throws Exception
    {
        final Path output = tmp.resolve("fio-write.json");
        final List<String> command = new java.util.ArrayList<>(List.of("fio", nbd(1), "--do_verify=1", "--output=" + output));
        command.addAll(1, JOB);
        final Process fio = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(tmp.resolve("fio-write.log").toFile()).start();
        try
        {
            // A few seconds of writes on all three copies, then node 2 goes away mid-job.
            assertFalse(fio.waitFor(4, TimeUnit.SECONDS), "fio ended before node 2 was killed: " +
                Files.readString(tmp.resolve("fio-write.log")));
            final ProcessHandle node2 = ProcessHandle.of(pid("node-2")).orElseThrow();
            node2.destroyForcibly();
            node2.onExit().get(30, TimeUnit.SECONDS);

            assertTrue(fio.waitFor(300, TimeUnit.SECONDS), "fio finished");
        }
        finally
        {
            fio.destroyForcibly();
        }
        final String log = Files.readString(tmp.resolve("fio-write.log"));
        assertEquals(0, fio.exitValue(), log + Files.readString(output));
        final JsonNode job = JSON.readTree(output.toFile()).path("jobs").get(0);
        assertEquals(0, job.path("error").asInt(), job.toString());
        assertEquals(32L << 20, job.path("write").path("io_bytes").asLong(), "every block was written");
        assertEquals(32L << 20, job.path("read").path("io_bytes").asLong(), "and read back for verification");
        System.out.printf("I/O stall after SIGKILL of node-2: longest write %.1f s (fio clat max); mean %.1f ms%n",
            job.path("write").path("clat_ns").path("max").asDouble() / 1e9,
            job.path("write").path("clat_ns").path("mean").asDouble() / 1e6);

        // Node 2's copies missed writes: stale, and only theirs; the others stay in sync.
        final JsonNode detail = show().path("detail");
        assertEquals(4, detail.path("extentsByState").path("IN_SYNC").asInt(), detail.toString());
        assertEquals(2, detail.path("extentsByState").path("STALE").asInt(), detail.toString());
        for (final JsonNode slab : detail.path("slabs"))
        {
            for (final JsonNode extent : slab.path("extents"))
            {
                assertEquals(extent.path("node").asText().equals("node-2") ? "STALE" : "IN_SYNC", extent.path("state").asText(),
                    slab.toString());
            }
        }
    }

    @Test
    @Order(2)
    void aRestartedNodeServesTheDataFromTheInSyncCopiesNotItsStaleOnes() throws Exception
    {
        final CisternCli.Result restart = cli.run(300, "node", "start", "node-2", "--data", data.toString());
        assertEquals(0, restart.exit(), restart.output());
        Awaitility.await("node-2 is back").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> cli.run(60, "status", "--data", data.toString()).output().lines()
                .anyMatch(l -> l.matches("node-2\\s+\\d+\\s+running\\s+yes\\s+Up.*")));

        // Its own files hold the bytes from before it died: a read of them would fail verification.
        final Path output = tmp.resolve("fio-verify.json");
        final List<String> command = new java.util.ArrayList<>(List.of("fio", nbd(2), "--verify_only", "--output=" + output));
        command.addAll(1, JOB);
        final Tools.Result verify = Tools.run(300, command.toArray(new String[0]));
        assertEquals(0, verify.exit(), verify.output() + Files.readString(output));
        final JsonNode job = JSON.readTree(output.toFile()).path("jobs").get(0);
        assertEquals(0, job.path("error").asInt(), job.toString());
        assertEquals(32L << 20, job.path("read").path("io_bytes").asLong(), "every block was read and verified through node 2");
    }

    private JsonNode show() throws Exception
    {
        return JSON.readTree(cli.run(60, "volume", "show", "vol1", "--json", "--data", data.toString()).output());
    }

    private long pid(final String node) throws Exception
    {
        for (final JsonNode process : JSON.readTree(data.resolve("cluster.json").toFile()).path("nodes"))
        {
            if (process.path("name").asText().equals(node))
            {
                return process.path("pid").asLong();
            }
        }
        throw new AssertionError(node + " is not in cluster.json");
    }
}
