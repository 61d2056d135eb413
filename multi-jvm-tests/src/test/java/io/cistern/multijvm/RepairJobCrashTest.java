package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node crashing while it runs a rebuild job: three nodes, a mirror-2 volume of 64 MiB slabs, repairs
 * paced to 8 MiB/s so a rebuild of one extent takes seconds. The fullest node's drive is retired, so its
 * copies are rebuilt on the nodes without one; the node running one of those rebuild jobs is killed with
 * SIGKILL part way through and started again. The job resumes from its last checkpoint in the journal,
 * not from zero, and finishes; the volume is healthy and the data verifies through that node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RepairJobCrashTest
{
    private static final int PORT_OFFSET = 4500;
    private static final long EXTENT = 64L << 20;
    private static final List<String> JOB = List.of("--name=crash", "--ioengine=nbd", "--rw=write", "--bs=256k", "--size=128M",
        "--iodepth=4", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private final CisternCli cli = new CisternCli();
    private Path data;
    private ClusterQueries cluster;

    @BeforeAll
    void startCluster() throws Exception
    {
        data = Files.createTempDirectory("cistern-job-crash-").resolve("cistern-data");
        logs.watch(data);
        cluster = new ClusterQueries(cli, data);
        final CisternCli.Result up = cli.run(300, "up", "--nodes", "3", "--drives", "1", "--drive-size", "1G", "--slab-size", "64M",
            "--repair-bandwidth", "8M", "--data", data.toString(), "--port-offset", Integer.toString(PORT_OFFSET));
        assertEquals(0, up.exit(), up.output());
        final CisternCli.Result create = cli.run(60, "volume", "create", "vol1", "--size", "128M", "--resiliency", "mirror-2",
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
    void aRebuildJobWhoseNodeCrashesResumesFromItsCheckpointAndFinishes() throws Exception
    {
        final String retired = fullestNode();
        final CisternCli.Result retire = cli.run(60, "drive", "retire", cluster.driveOf(retired).path("id").asText(),
            "--reason", "crash test", "--data", data.toString());
        assertEquals(0, retire.exit(), retire.output());

        // Catch a rebuild job past a few checkpoints (one every 4 MiB), and kill its node.
        final AtomicReference<JsonNode> caught = new AtomicReference<>();
        Awaitility.await("a rebuild job has copied 12 MiB").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() ->
            {
                caught.set(runningRebuild(retired));
                return caught.get() != null;
            });
        final JsonNode job = caught.get();
        final String runner = job.path("node").asText();
        final ProcessHandle process = ProcessHandle.of(cluster.node(runner).path("pid").asLong()).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        final long doneAtKill = job.path("bytesDone").asLong();
        System.out.printf("%s killed while running %s at %d MiB of %d MiB%n", runner, job.path("id").asText(), doneAtKill >> 20,
            job.path("bytesTotal").asLong() >> 20);

        final CisternCli.Result restart = cli.run(300, "node", "start", runner, "--data", data.toString());
        assertEquals(0, restart.exit(), restart.output());
        Awaitility.await("the volume is healthy with nothing on the retired drive").atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(2))
            .until(() ->
            {
                final JsonNode detail = cluster.volume("vol1").path("detail");
                return "HEALTHY".equals(detail.path("health").asText()) && detail.path("extentsByNode").path(retired).asInt() == 0;
            });

        final JsonNode resumed = finishedJob(runner, job.path("slab").asInt(), job.path("copy").asInt());
        final long from = resumed.path("resumedFrom").asLong();
        System.out.printf("the restarted %s resumed the rebuild at %d MiB and copied the remaining %d MiB%n", runner, from >> 20,
            resumed.path("bytesDone").asLong() >> 20);
        assertTrue(from >= 4L << 20 && from <= doneAtKill + (4L << 20), "resumed from a checkpoint near where it was killed: " + resumed);
        assertEquals(EXTENT - from, resumed.path("bytesDone").asLong(), "only what lay above the checkpoint was copied: " + resumed);
        assertEquals("REBUILD", resumed.path("type").asText(), resumed.toString());

        final Tools.Result verify = Tools.run(300, fio(Integer.parseInt(runner.substring("node-".length())), "--verify_only"));
        assertEquals(0, verify.exit(), verify.output());
        final JsonNode read = ClusterQueries.JSON.readTree(verify.output().substring(verify.output().indexOf('{'))).path("jobs").get(0);
        assertEquals(128L << 20, read.path("read").path("io_bytes").asLong(), "every block read back and verified");
    }

    /** The node holding most extents: retiring its drive gives the most rebuild jobs to catch. */
    private String fullestNode() throws Exception
    {
        final Iterator<Map.Entry<String, JsonNode>> counts = cluster.volume("vol1").path("detail").path("extentsByNode").fields();
        String fullest = null;
        int most = 0;
        while (counts.hasNext())
        {
            final Map.Entry<String, JsonNode> count = counts.next();
            if (count.getValue().asInt() > most)
            {
                most = count.getValue().asInt();
                fullest = count.getKey();
            }
        }
        assertTrue(fullest != null, "the volume has extents");
        return fullest;
    }

    private JsonNode runningRebuild(final String retired) throws Exception
    {
        for (final String node : List.of("node-1", "node-2", "node-3"))
        {
            if (node.equals(retired))
            {
                continue;
            }
            for (final JsonNode job : cluster.jobs(node))
            {
                if ("REBUILD".equals(job.path("type").asText()) && "RUNNING".equals(job.path("state").asText()) &&
                    job.path("bytesDone").asLong() >= 12L << 20 && job.path("bytesDone").asLong() < EXTENT - (16L << 20))
                {
                    return job;
                }
            }
        }
        return null;
    }

    /** The job the restarted node ran for the copy, done. */
    private JsonNode finishedJob(final String node, final int slab, final int copy) throws Exception
    {
        for (final JsonNode job : cluster.jobs(node))
        {
            if (job.path("slab").asInt() == slab && job.path("copy").asInt() == copy && "DONE".equals(job.path("state").asText()))
            {
                return job;
            }
        }
        throw new AssertionError("the restarted " + node + " ran no finished job for copy " + copy + " of slab " + slab + ": " +
            cluster.jobs(node));
    }

    private static String[] fio(final int node, final String mode)
    {
        // The engine's options (the uri) come after the engine is named.
        final List<String> command = new ArrayList<>(List.of("fio"));
        command.addAll(JOB);
        command.add("--uri=nbd://127.0.0.1:" + (10809 + PORT_OFFSET + node - 1) + "/vol1");
        command.add(mode);
        return command.toArray(new String[0]);
    }
}
