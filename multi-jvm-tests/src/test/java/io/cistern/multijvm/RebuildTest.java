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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rebuilds, with four nodes and a mirror-3 volume:
 * <ol>
 *   <li>node 3 (a journal voter) is killed and kept down past the retire timeout: the volume returns to HEALTHY
 *       with extents only on the three live nodes and the data verifies, and node 4 votes in the journal instead;
 *       when node 3 comes back its old files are deleted and it follows the journal as a listener;</li>
 *   <li>node 2's drive stops taking writes while fio writes: it is failed-stop, UNHEALTHY, its extents are
 *       rebuilt on node 3, and the data verifies;</li>
 *   <li>node 4's drive is retired by hand, but no healthy fault domain is left for its extents: a fault says
 *       so, and the copies stay where they are, readable.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RebuildTest
{
    private static final int PORT_OFFSET = 3500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JOB = List.of("--name=rebuild", "--ioengine=nbd", "--rw=write", "--bs=64k", "--size=64M",
        "--iodepth=4", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json");

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
        cluster = TestCluster.up(logs, "rebuild", PORT_OFFSET, "--nodes", "4", "--drives", "1", "--drive-size", "1G", "--slab-size", "16M", "--retire-after", "10s");
        tmp = cluster.tmp();
        data = cluster.data();
        final CisternCli.Result create = cluster.cistern(60, "volume", "create", "vol1", "--size", "64M", "--resiliency", "mirror-3",
            "--provisioning", "fixed");
        assertEquals(0, create.exit(), create.output());
        final List<String> write = new java.util.ArrayList<>(List.of("fio", nbd(1), "--do_verify=1"));
        write.addAll(1, JOB);
        final Tools.Result fio = Tools.run(300, write.toArray(new String[0]));
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
    void aNodeGoneLongerThanTheRetireTimeoutHasItsExtentsRebuiltOnTheOthers() throws Exception
    {
        final int onNode3 = cluster.volume("vol1").path("detail").path("extentsByNode").path("node-3").asInt();
        assertTrue(onNode3 > 0, "node 3 holds extents: " + cluster.volume("vol1").path("detail"));
        final ProcessHandle node3 = ProcessHandle.of(cluster.node("node-3").path("pid").asLong()).orElseThrow();
        final Instant killed = Instant.now();
        node3.destroyForcibly();
        node3.onExit().get(30, TimeUnit.SECONDS);

        Awaitility.await("the volume is healthy on three nodes").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2))
            .until(() ->
            {
                final JsonNode detail = cluster.volume("vol1").path("detail");
                return "HEALTHY".equals(detail.path("health").asText()) && detail.path("extentsByNode").path("node-3").asInt() == 0;
            });
        // node-3 voted in the journal; the cluster gave it up, so node-4, a listener, votes instead: the
        // journal again survives the loss of any one voter.
        Awaitility.await("node-4 votes instead of node-3").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> journal(1).path("voters").toString().equals("[\"node-1\",\"node-2\",\"node-4\"]"));
        assertEquals("voter", journal(4).path("role").asText(), journal(4).toString());
        final JsonNode detail = cluster.volume("vol1").path("detail");
        assertEquals(12, detail.path("extentsByState").path("IN_SYNC").asInt(), detail.toString());
        for (final JsonNode slab : detail.path("slabs"))
        {
            assertEquals(3, slab.path("extents").findValuesAsText("node").stream().distinct().count(),
                "three copies on three nodes: " + slab);
        }
        System.out.printf("node-3 killed; %d extents rebuilt, volume HEALTHY again after %.1f s (retire-after 10 s)%n", onNode3,
            Duration.between(killed, Instant.now()).toMillis() / 1e3);

        // Only the jobs of this rebuild: a resync that ran before the kill copied bytes of its own.
        long copied = 0;
        long rate = 0;
        final StringBuilder seen = new StringBuilder();
        for (final String node : List.of("node-1", "node-2", "node-4"))
        {
            for (final JsonNode job : cluster.jobs(node))
            {
                seen.append(job).append('\n');
                // A job that failed part-way (a copy timed out on a busy machine) is tried again from its last
                // checkpoint: the one that finished covers its extent from there.
                if ("DONE".equals(job.path("state").asText()) && !Instant.parse(job.path("started").asText()).isBefore(killed))
                {
                    copied += job.path("resumedFrom").asLong() + job.path("bytesDone").asLong();
                    rate = Math.max(rate, job.path("rate").asLong());
                }
            }
        }
        assertEquals(onNode3 * (16L << 20), copied, "each rebuilt extent copied whole; the jobs:\n" + seen);
        System.out.print("jobs:\n" + seen);
        System.out.printf("rebuild copied %d MiB; fastest job %.1f MB/s (cistern.repair.bandwidth = 64 MiB/s)%n", copied >> 20, rate / 1e6);

        final List<String> verify = new java.util.ArrayList<>(List.of("fio", nbd(2), "--verify_only"));
        verify.addAll(1, JOB);
        final Tools.Result fio = Tools.run(300, verify.toArray(new String[0]));
        assertEquals(0, fio.exit(), fio.output());
        assertEquals(64L << 20, JSON.readTree(fio.output().substring(fio.output().indexOf('{'))).path("jobs").get(0)
            .path("read").path("io_bytes").asLong());
    }

    @Test
    @Order(2)
    void theRetiredNodeComingBackDeletesItsOldExtents() throws Exception
    {
        final Path drive = data.resolve("node-3").resolve("drives").resolve("drive-1");
        final String volume = cluster.volume("vol1").path("id").asText();
        assertTrue(extentFiles(drive, volume) > 0, "node 3's old extents are still on its drive while it is down");
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", "node-3");
        assertEquals(0, restart.exit(), restart.output());
        Awaitility.await("node 3's moved extents are deleted").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> extentFiles(drive, volume) == 0);
        assertEquals(0, cluster.volume("vol1").path("detail").path("extentsByNode").path("node-3").asInt());
        // Its journal copy was of a voter the journal let go: it starts over as a listener and catches up.
        final JsonNode member = journal(3);
        assertEquals("listener", member.path("role").asText(), member.toString());
        assertEquals("[\"node-1\",\"node-2\",\"node-4\"]", member.path("voters").toString(), member.toString());
        assertTrue(member.path("listeners").toString().contains("node-3"), member.toString());
        final long leaderApplied = journal(1).path("applied").asLong();
        Awaitility.await("node 3's new copy of the journal catches up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> journal(3).path("applied").asLong() >= leaderApplied);
    }

    @Test
    @Order(3)
    void aDriveThatStopsTakingWritesIsFailedStopAndItsExtentsRebuilt() throws Exception
    {
        final Path drive = data.resolve("node-2").resolve("drives").resolve("drive-1");
        final int onNode2 = cluster.volume("vol1").path("detail").path("extentsByNode").path("node-2").asInt();
        assertTrue(onNode2 > 0, "node 2 holds extents: " + cluster.volume("vol1").path("detail"));
        final Path log = tmp.resolve("fio-drive-loss.log");
        final List<String> command = new java.util.ArrayList<>(List.of("fio", nbd(1), "--do_verify=1", "--rate=8m"));
        command.addAll(1, JOB);
        final Process fio = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final Instant failed;
        try
        {
            assertFalse(fio.waitFor(2, TimeUnit.SECONDS), "fio ended before the drive failed: " + Files.readString(log));
            immutable(drive, true);
            failed = Instant.now();
            assertTrue(fio.waitFor(300, TimeUnit.SECONDS), "fio finished");
        }
        finally
        {
            fio.destroyForcibly();
        }
        try
        {
            assertEquals(0, fio.exitValue(), Files.readString(log));
            final JsonNode written = JSON.readTree(Files.readString(log).substring(Files.readString(log).indexOf('{')))
                .path("jobs").get(0);
            assertEquals(64L << 20, written.path("write").path("io_bytes").asLong(), "every block was written");
            assertEquals(64L << 20, written.path("read").path("io_bytes").asLong(), "and verified");

            final String driveId = cluster.driveOf("node-2").path("id").asText();
            Awaitility.await("node 2's drive is UNHEALTHY").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> "UNHEALTHY".equals(cluster.driveOf("node-2").path("health").asText()));
            assertTrue(cluster.driveOf("node-2").path("detail").asText().contains(drive.toString()), cluster.driveOf("node-2").toString());
            Awaitility.await("node 2's extents are rebuilt elsewhere").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2))
                .until(() ->
                {
                    final JsonNode detail = cluster.volume("vol1").path("detail");
                    return "HEALTHY".equals(detail.path("health").asText()) && detail.path("extentsByNode").path("node-2").asInt() == 0;
                });
            System.out.printf("node-2's drive made immutable mid-write; %d extents rebuilt, volume HEALTHY again after %.1f s%n", onNode2,
                Duration.between(failed, Instant.now()).toMillis() / 1e3);
            final JsonNode faults = JSON.readTree(cluster.cistern(60, "fault", "list", "--json").output())
                .path("faults");
            assertTrue(faults.findValuesAsText("subject").stream().anyMatch(subject -> subject.contains(driveId)) &&
                faults.findValuesAsText("kind").contains("DRIVE_FAILED"), faults.toString());

            final List<String> verify = new java.util.ArrayList<>(List.of("fio", nbd(3), "--verify_only"));
            verify.addAll(1, JOB);
            final Tools.Result check = Tools.run(300, verify.toArray(new String[0]));
            assertEquals(0, check.exit(), check.output());
        }
        finally
        {
            immutable(drive, false);
        }
    }

    @Test
    @Order(4)
    void aRetiredDriveWhoseExtentsHaveNowhereToGoRaisesAFaultAndKeepsServing() throws Exception
    {
        final JsonNode drive = cluster.driveOf("node-4");
        final CisternCli.Result retire = cluster.cistern(60, "drive", "retire", drive.path("id").asText().substring(0, 8),
            "--reason", "replacing it");
        assertEquals(0, retire.exit(), retire.output());
        assertTrue(retire.output().contains("RETIRED"), retire.output());
        // The drive list is the pool view's, which learns of the retirement from the journal a moment later.
        Awaitility.await("the drive list shows the drive retired").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
            .until(() -> "RETIRED".equals(cluster.driveOf("node-4").path("health").asText()));

        // Nodes 1 and 3 hold the slabs' other copies and node 2's drive has failed: no fault domain is left.
        Awaitility.await("a fault says the rebuild cannot be placed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> JSON.readTree(cluster.cistern(60, "fault", "list", "--json").output())
                .path("faults").findValuesAsText("kind").contains("REBUILD_BLOCKED"));
        final CisternCli.Result faults = cluster.cistern(60, "fault", "list");
        assertTrue(faults.output().contains("REBUILD_BLOCKED") && faults.output().contains("has a healthy drive"), faults.output());
        assertTrue(cluster.volume("vol1").path("detail").path("extentsByNode").path("node-4").asInt() > 0, "the copies stay on the retired drive");

        final List<String> verify = new java.util.ArrayList<>(List.of("fio", nbd(4), "--verify_only"));
        verify.addAll(1, JOB);
        final Tools.Result check = Tools.run(300, verify.toArray(new String[0]));
        assertEquals(0, check.exit(), check.output());
    }

    /** {@code GET /api/v1/journal} of node {@code n}: its journal member as it sees itself. */
    private JsonNode journal(final int n) throws Exception
    {
        final java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
            cluster.authorized(cluster.endpoint(n) + "/api/v1/journal")
                .timeout(Duration.ofSeconds(10)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** Makes a directory refuse new files even for root (chattr +i), or takes that back. */
    private static void immutable(final Path dir, final boolean on) throws Exception
    {
        final Tools.Result chattr = Tools.run(10, "chattr", on ? "+i" : "-i", dir.toString());
        assertEquals(0, chattr.exit(), "the test needs e2fsprogs' chattr on an ext4/xfs temp dir: " + chattr.output());
    }

    private long extentFiles(final Path drive, final String volumeHex) throws Exception
    {
        try (Stream<Path> files = Files.list(drive))
        {
            final String prefix = String.format("%16s", volumeHex).replace(' ', '0');
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
        }
    }
}
