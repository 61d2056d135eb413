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

import io.cistern.storage.ExtentHeader;
import io.cistern.storage.ExtentId;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mirror-3 volume stays online through the SIGKILL of a node and heals when it returns: an fio
 * write-and-verify job through node 1 completes while node 2 dies under it, the copy on node 2 is marked
 * stale instead of failing the writes, and once node 2 is restarted a resync copies only what it missed
 * (far less than the volume), puts every copy back in sync, leaves the copies byte-identical, and the data
 * verifies through node 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DegradedIoTest
{
    private static final int PORT_OFFSET = 2500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long VOLUME = 64L << 20;
    /**
     * The fio job: 4 KiB random writes over the first 4 MiB of the volume (slab 0) at a bounded rate, so
     * node 2 dies in the middle of it; the other 60 MiB hold data written before, which a resync must not
     * copy.
     */
    private static final List<String> JOB = List.of("--name=degraded", "--ioengine=nbd", "--rw=randwrite", "--bs=4k",
        "--size=4M", "--iodepth=4", "--rate_iops=100", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0",
        "--randseed=2026", "--output-format=json");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private TestCluster cluster;
    private Path tmp;
    private Path data;

    private String nbd(final int node)
    {
        return "--uri=nbd://127.0.0.1:" + (10809 + PORT_OFFSET + node - 1) + "/vol1";
    }

    @BeforeAll
    void startCluster() throws Exception
    {
        cluster = TestCluster.up(logs, "degraded", PORT_OFFSET, "--nodes", "3", "--drives", "1", "--drive-size", "1G", "--slab-size", "16M");
        tmp = cluster.tmp();
        data = cluster.data();
        final CisternCli.Result create = cluster.cistern(60, "volume", "create", "vol1", "--size", "64M", "--resiliency", "mirror-3",
            "--provisioning", "fixed");
        assertEquals(0, create.exit(), create.output());
        // Every copy of every slab holds data before node 2 goes away.
        final Tools.Result fill = Tools.run(300, "fio", "--name=fill", "--ioengine=nbd", nbd(1), "--rw=write", "--bs=1M",
            "--size=64M", "--iodepth=4");
        assertEquals(0, fill.exit(), fill.output());
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private String node2Drive;
    private Map<String, Double> beforeKill;

    /** The current faults as "SEVERITY KIND subject", from `cistern fault list --json`. */
    private List<String> faults() throws Exception
    {
        final CisternCli.Result listed = cluster.cistern(60, "fault", "list", "--json");
        assertEquals(0, listed.exit(), listed.output());
        final List<String> faults = new java.util.ArrayList<>();
        JSON.readTree(listed.output()).path("faults").forEach(f ->
            faults.add(f.path("severity").asText() + " " + f.path("kind").asText() + " " + f.path("subject").asText()));
        return faults;
    }

    /** The id of the node's (one) drive. */
    private String driveOf(final String node) throws Exception
    {
        for (final JsonNode drive : JSON.readTree(cluster.cistern(60, "drive", "list", "--json").output()).path("drives"))
        {
            if (drive.path("node").asText().equals(node))
            {
                return drive.path("id").asText();
            }
        }
        throw new AssertionError("no drive of " + node);
    }

    /** The drive's samples of the last hour that wrote something: time to bytes written per second, from `cistern perf`. */
    private Map<String, Double> writtenSamples(final String driveId) throws Exception
    {
        final CisternCli.Result perf = cluster.cistern(60, "perf", "drive", driveId, "--last", "1h", "--series", "write.bytes", "--json");
        assertEquals(0, perf.exit(), perf.output());
        final JsonNode history = JSON.readTree(perf.output());
        assertEquals(10, history.path("resolutionSeconds").asInt(), history.toString());
        final Map<String, Double> written = new java.util.TreeMap<>();
        history.path("samples").forEach(sample ->
        {
            if (sample.path("write.bytes").asDouble() > 0)
            {
                written.put(sample.path("time").asText(), sample.path("write.bytes").asDouble());
            }
        });
        return written;
    }

    @Test
    @Order(1)
    void writesThroughNodeOneCompleteAndVerifyWhileNodeTwoIsKilled() throws Exception
    {
        // Node 2's drive took the fill's copies: its 10 s history has them before node 2 is killed.
        node2Drive = driveOf("node-2");
        Awaitility.await("node 2's drive history has the fill").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
            .until(() -> writtenSamples(node2Drive), samples -> !samples.isEmpty());
        beforeKill = writtenSamples(node2Drive);

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
        assertEquals(4L << 20, job.path("write").path("io_bytes").asLong(), "every block was written");
        assertEquals(4L << 20, job.path("read").path("io_bytes").asLong(), "and read back for verification");
        System.out.printf("I/O stall after SIGKILL of node-2: longest write %.1f s (fio clat max); mean %.1f ms%n",
            job.path("write").path("clat_ns").path("max").asDouble() / 1e9,
            job.path("write").path("clat_ns").path("mean").asDouble() / 1e6);

        // The health service says what is wrong once, at the root: node 2 is down (its stale copy of the volume
        // is part of that fault, not a fault of the volume's).
        Awaitility.await("one fault: node 2 down").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
            .until(this::faults, faults -> faults.size() == 1 && faults.get(0).startsWith("CRITICAL NODE_DOWN node node-2 "));

        // Node 2's copy of slab 0 missed writes: stale, and only it; the others stay in sync.
        final JsonNode detail = show().path("detail");
        assertEquals("DEGRADED", detail.path("health").asText(), detail.toString());
        assertEquals(11, detail.path("extentsByState").path("IN_SYNC").asInt(), detail.toString());
        assertEquals(1, detail.path("extentsByState").path("STALE").asInt(), detail.toString());
        for (final JsonNode slab : detail.path("slabs"))
        {
            for (final JsonNode extent : slab.path("extents"))
            {
                final boolean missed = slab.path("index").asInt() == 0 && extent.path("node").asText().equals("node-2");
                assertEquals(missed ? "STALE" : "IN_SYNC", extent.path("state").asText(), slab.toString());
            }
        }
    }

    @Test
    @Order(2)
    void aRestartedNodeIsResyncedWithOnlyWhatItMissed() throws Exception
    {
        final long restarted = System.nanoTime();
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", "node-2");
        assertEquals(0, restart.exit(), restart.output());
        // An administrator follows the resync until no job runs.
        final CisternCli.Result followed = cluster.cistern(240, "job", "list", "--follow", "--for", "3m");
        assertEquals(0, followed.exit(), followed.output());
        assertTrue(followed.output().strip().endsWith("No job is running."), followed.output());
        Awaitility.await("every copy is in sync again").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
            .until(() -> show().path("detail").path("extentsByState").path("IN_SYNC").asInt() == 12);
        System.out.printf("node-2 restarted and resynced in %.1f s%n", (System.nanoTime() - restarted) / 1e9);

        Awaitility.await("no fault once node 2 is back in sync").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
            .until(this::faults, List::isEmpty);

        // The restarted node kept its performance history: every sample from before the kill is there, as it was.
        // (Asked once the cluster's receptionist lists the restarted node's recorder.)
        Awaitility.await("node 2's history answers again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
            .until(() -> writtenSamples(node2Drive).keySet().containsAll(beforeKill.keySet()));
        final Map<String, Double> afterRestart = writtenSamples(node2Drive);
        for (final Map.Entry<String, Double> sample : beforeKill.entrySet())
        {
            assertEquals(sample.getValue(), afterRestart.get(sample.getKey()), "the sample of " + sample.getKey() + " after the restart");
        }
        System.out.printf("node-2's drive kept %d samples of 10 s with writes across its SIGKILL and restart%n", beforeKill.size());

        final java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
            cluster.authorized(node("node-2").path("http").asText() + "/api/v1/jobs").build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        final JsonNode jobs = JSON.readTree(response.body()).path("jobs");
        long copied = 0;
        int done = 0;
        for (final JsonNode job : jobs)
        {
            assertEquals("RESYNC", job.path("type").asText(), job.toString());
            assertFalse(job.path("mapLost").asBoolean(), "tracking was not lost: " + job);
            if (job.path("state").asText().equals("DONE"))
            {
                done++;
                copied += job.path("bytesDone").asLong();
            }
        }
        assertEquals(1, done, "one stale copy, one resync: " + jobs);
        assertEquals("HEALTHY", show().path("detail").path("health").asText());
        final CisternCli.Result list = cluster.cistern(60, "job", "list");
        assertEquals(0, list.exit(), list.output());
        assertTrue(list.output().lines().anyMatch(l -> l.contains("RESYNC") && l.contains("DONE") && l.startsWith("node-2-resync-")),
            list.output());
        System.out.printf("resync copied %d bytes (%.1f MiB) of a %d MiB volume; fio wrote 4 MiB at random, most of it while node-2 was down%n",
            copied, copied / 1048576.0, VOLUME >> 20);
        assertTrue(copied > 0 && copied <= 5L << 20, "only the regions written while node 2 was down: " + copied + " bytes");

        // The copies are byte for byte alike past their headers (which name the copy).
        final JsonNode volume = show();
        final long volumeId = Long.parseUnsignedLong(volume.path("id").asText(), 16);
        final JsonNode slab = volume.path("detail").path("slabs").get(0);
        byte[] first = null;
        for (final JsonNode extent : slab.path("extents"))
        {
            final ExtentId id = new ExtentId(volumeId, 0, extent.path("copy").asInt());
            final byte[] file = Files.readAllBytes(data.resolve(extent.path("node").asText()).resolve("drives").resolve("drive-1")
                .resolve(id.fileName()));
            final byte[] body = Arrays.copyOfRange(file, ExtentHeader.LENGTH, file.length);
            if (first == null)
            {
                first = body;
            }
            else
            {
                assertArrayEquals(first, body, "copy " + id.copy() + " on " + extent.path("node").asText() + " differs");
            }
        }
    }

    @Test
    @Order(3)
    void theDataVerifiesThroughTheResyncedNode() throws Exception
    {
        final Path output = tmp.resolve("fio-verify.json");
        final List<String> command = new java.util.ArrayList<>(List.of("fio", nbd(2), "--verify_only", "--output=" + output));
        command.addAll(1, JOB);
        final Tools.Result verify = Tools.run(300, command.toArray(new String[0]));
        assertEquals(0, verify.exit(), verify.output() + Files.readString(output));
        final JsonNode job = JSON.readTree(output.toFile()).path("jobs").get(0);
        assertEquals(0, job.path("error").asInt(), job.toString());
        assertEquals(4L << 20, job.path("read").path("io_bytes").asLong(), "every block was read and verified through node 2");
    }

    @Test
    @Order(4)
    void theScrubberFindsAndRepairsEveryFlippedBlockOnTwoNodes() throws Exception
    {
        // Bytes flipped in several blocks of extents on node 1 and node 3, never in every copy of a block.
        final JsonNode volume = show();
        final long volumeId = Long.parseUnsignedLong(volume.path("id").asText(), 16);
        final java.util.Map<String, Integer> flipped = new java.util.TreeMap<>();
        final long slabBytes = 16L << 20;
        for (final JsonNode slab : volume.path("detail").path("slabs"))
        {
            for (final JsonNode extent : slab.path("extents"))
            {
                final String node = extent.path("node").asText();
                if (node.equals("node-2"))
                {
                    continue;
                }
                final ExtentId id = new ExtentId(volumeId, slab.path("index").asInt(), extent.path("copy").asInt());
                final Path file = data.resolve(node).resolve("drives").resolve("drive-1").resolve(id.fileName());
                // node-1 gets blocks 3 and 200, node-3 gets block 900: no block is bad in two copies.
                final long[] blocks = node.equals("node-1") ? new long[] {3, 200} : new long[] {900};
                try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw"))
                {
                    for (final long block : blocks)
                    {
                        final long at = new ExtentHeader(id, slabBytes).dataOffset() + block * 4096 + 123;
                        raf.seek(at);
                        final byte b = raf.readByte();
                        raf.seek(at);
                        raf.writeByte(b ^ 0x3c);
                        flipped.merge(extent.path("drive").asText(), 1, Integer::sum);
                    }
                }
            }
        }
        final int total = flipped.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(4 * 3, total, "4 slabs: two blocks on node 1 and one on node 3 each");

        final CisternCli.Result scrub = cluster.cistern(60, "job", "scrub");
        assertEquals(0, scrub.exit(), scrub.output());
        final java.util.Map<String, long[]> counted = new java.util.TreeMap<>();
        Awaitility.await("every node's scrub is done").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
        {
            counted.clear();
            final JsonNode jobs = JSON.readTree(cluster.cistern(60, "job", "list", "--json").output()).path("jobs");
            int running = 0;
            int scrubs = 0;
            for (final JsonNode job : jobs)
            {
                if (job.path("type").asText().equals("SCRUB"))
                {
                    scrubs++;
                    running += job.path("state").asText().equals("RUNNING") ? 1 : 0;
                    counted.put(job.path("drive").asText(), new long[] {job.path("badBlocks").asLong(), job.path("repairedBlocks").asLong()});
                }
            }
            return scrubs == 3 && running == 0;
        });
        for (final java.util.Map.Entry<String, Integer> drive : flipped.entrySet())
        {
            assertEquals(drive.getValue().longValue(), counted.get(drive.getKey())[0], "bad blocks found on drive " + drive.getKey());
            assertEquals(drive.getValue().longValue(), counted.get(drive.getKey())[1], "bad blocks repaired on drive " + drive.getKey());
        }
        System.out.printf("scrub: %d flipped blocks on 2 nodes, found and repaired per drive: %s%n", total,
            counted.entrySet().stream().map(e -> e.getKey().substring(0, 8) + "=" + e.getValue()[0] + "/" + e.getValue()[1]).toList());

        // Every copy of every slab is byte for byte alike again past its header.
        for (final JsonNode slab : volume.path("detail").path("slabs"))
        {
            byte[] first = null;
            for (final JsonNode extent : slab.path("extents"))
            {
                final ExtentId id = new ExtentId(volumeId, slab.path("index").asInt(), extent.path("copy").asInt());
                final byte[] file = Files.readAllBytes(data.resolve(extent.path("node").asText()).resolve("drives")
                    .resolve("drive-1").resolve(id.fileName()));
                final byte[] body = Arrays.copyOfRange(file, ExtentHeader.LENGTH, file.length);
                if (first == null)
                {
                    first = body;
                }
                else
                {
                    assertArrayEquals(first, body, "slab " + id.slab() + " copy " + id.copy() + " differs after the scrub");
                }
            }
        }
    }

    private JsonNode show() throws Exception
    {
        return JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output());
    }

    private long pid(final String name) throws Exception
    {
        return node(name).path("pid").asLong();
    }

    private JsonNode node(final String name) throws Exception
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
}
