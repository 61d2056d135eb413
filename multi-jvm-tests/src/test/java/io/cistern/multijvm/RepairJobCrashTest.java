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
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes under a running rebuild job: four nodes, a mirror-3 volume of 64 MiB slabs, repairs paced to
 * 4 MiB/s so a rebuild of one extent takes seconds. The fullest node's drive is retired, so its copies are
 * rebuilt on the nodes without one. Part way through one of those jobs:
 * <ol>
 *   <li>the node it copies from is killed with SIGKILL: once the cluster has downed that node, the job
 *       goes on from its last checkpoint, reading from the slab's other in-sync copy on another node;</li>
 *   <li>then the node running the job is killed and started again: the job resumes from its last
 *       checkpoint in the journal, not from zero, and finishes.</li>
 * </ol>
 * With both nodes back the volume is healthy, nothing is left on the retired drive, and the data verifies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RepairJobCrashTest
{
    private static final int PORT_OFFSET = 4500;
    private static final long EXTENT = 64L << 20;
    private static final long MIB = 1L << 20;
    private static final List<String> JOB = List.of("--name=crash", "--ioengine=nbd", "--rw=write", "--bs=256k", "--size=128M",
        "--iodepth=4", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private TestCluster cluster;
    private Path data;

    @BeforeAll
    void startCluster() throws Exception
    {
        cluster = TestCluster.up(logs, "job-crash", PORT_OFFSET, "--nodes", "4", "--drives", "1", "--drive-size", "1G", "--slab-size", "64M", "--repair-bandwidth", "4M");
        data = cluster.data();
        final CisternCli.Result create = cluster.cistern(60, "volume", "create", "vol1", "--size", "128M", "--resiliency", "mirror-3",
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
    void aRebuildJobGoesOnFromItsCheckpointWhenTheNodeItReadsFromOrTheNodeRunningItCrashes() throws Exception
    {
        final String retired = fullestNode();
        final CisternCli.Result retire = cluster.cistern(60, "drive", "retire", cluster.driveOf(retired).path("id").asText(),
            "--reason", "crash test");
        assertEquals(0, retire.exit(), retire.output());

        // 1. Catch a rebuild job past a checkpoint (one every 4 MiB), and kill the node it copies from.
        final JsonNode job = awaitJob("a rebuild job has copied 8 MiB", null, -1, -1,
            j -> "REBUILD".equals(j.path("type").asText()) && j.path("bytesDone").asLong() >= 8 * MIB &&
                j.path("bytesDone").asLong() <= 32 * MIB);
        final String runner = job.path("node").asText();
        final int slab = job.path("slab").asInt();
        final int copy = job.path("copy").asInt();
        final String source = job.path("source").asText();
        // The retired drive still works, so its copies keep serving until their successors are in sync: it may be the source.
        assertTrue(!source.isEmpty() && !source.equals(runner), job.toString());
        cluster.kill(source);
        System.out.printf("%s (the source) killed while %s ran %s at %d MiB%n", source, runner, job.path("id").asText(),
            job.path("bytesDone").asLong() / MIB);

        final JsonNode moved = awaitJob("the job goes on reading from another node", runner, slab, copy,
            j -> "RUNNING".equals(j.path("state").asText()) && !j.path("source").asText().equals(source) &&
                j.path("resumedFrom").asLong() > 0 && j.path("bytesDone").asLong() >= 8 * MIB);
        final long firstResume = moved.path("resumedFrom").asLong();
        assertTrue(firstResume >= 4 * MIB && firstResume <= job.path("bytesDone").asLong() + 8 * MIB,
            "resumed from the checkpoint it reached before its source died: " + moved);
        System.out.printf("%s went on from its checkpoint at %d MiB reading from %s%n", moved.path("id").asText(), firstResume / MIB,
            moved.path("source").asText());

        // 2. Kill the node running the job, and start it again.
        final long doneAtKill = firstResume + moved.path("bytesDone").asLong();
        cluster.kill(runner);
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", runner);
        assertEquals(0, restart.exit(), restart.output());
        final JsonNode resumed = awaitJob("the restarted node finishes the job", runner, slab, copy,
            j -> "DONE".equals(j.path("state").asText()));
        final long secondResume = resumed.path("resumedFrom").asLong();
        System.out.printf("%s (the runner) killed at %d MiB and restarted: it resumed at %d MiB and copied the remaining %d MiB%n",
            runner, doneAtKill / MIB, secondResume / MIB, resumed.path("bytesDone").asLong() / MIB);
        assertTrue(secondResume > firstResume && secondResume <= doneAtKill + 8 * MIB,
            "resumed from its last checkpoint, not from zero or the first resume: " + resumed);
        assertEquals(EXTENT - secondResume, resumed.path("bytesDone").asLong(), "only what lay above it was copied: " + resumed);
        assertEquals("REBUILD", resumed.path("type").asText(), resumed.toString());

        final CisternCli.Result back = cluster.cistern(300, "node", "start", source);
        assertEquals(0, back.exit(), back.output());
        Awaitility.await("the volume is healthy with nothing on the retired drive").atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(2))
            .until(() ->
            {
                final JsonNode detail = cluster.volume("vol1").path("detail");
                return "HEALTHY".equals(detail.path("health").asText()) && detail.path("extentsByNode").path(retired).asInt() == 0;
            });

        final Tools.Result verify = Tools.run(300, fio(Integer.parseInt(runner.substring("node-".length())), "--verify_only"));
        assertEquals(0, verify.exit(), verify.output());
        final JsonNode read = TestCluster.JSON.readTree(verify.output().substring(verify.output().indexOf('{'))).path("jobs").get(0);
        assertEquals(128L << 20, read.path("read").path("io_bytes").asLong(), "every block read back and verified");
    }

    /**
     * Polls the nodes' job lists (or one node's, for one copy) until a running job, or for one copy any
     * job, matches.
     */
    private JsonNode awaitJob(final String what, final String node, final int slab, final int copy, final Predicate<JsonNode> matches)
    {
        final AtomicReference<JsonNode> caught = new AtomicReference<>();
        Awaitility.await(what).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() ->
            {
                for (final String name : node != null ? List.of(node) : List.of("node-1", "node-2", "node-3", "node-4"))
                {
                    for (final JsonNode job : cluster.jobs(name))
                    {
                        final boolean ours = node == null ? "RUNNING".equals(job.path("state").asText()) :
                            job.path("slab").asInt() == slab && job.path("copy").asInt() == copy;
                        if (ours && matches.test(job))
                        {
                            caught.set(job);
                            return true;
                        }
                    }
                }
                return false;
            });
        return caught.get();
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
