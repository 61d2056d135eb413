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

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage QoS on a real three-node cluster, measured by fio through NBD: a dedicated maximum holds at
 * queue depth 32, a 64 KiB I/O counts eight, an aggregated maximum holds across two volumes driven through
 * two nodes, a minimum is kept while another volume floods the cluster, and a minimum nothing can meet
 * raises a fault that clears once the load stops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class QosTest
{
    private static final int PORT_OFFSET = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private TestCluster cluster;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startCluster() throws Exception
    {
        cluster = TestCluster.up(logs, "qos", PORT_OFFSET, "--nodes", "3", "--drives", "1", "--drive-size", "2G", "--slab-size", "64M");
        for (final String volume : List.of("limited", "shared-a", "shared-b", "flood", "kept"))
        {
            cluster.ok("volume", "create", volume, "--size", "256M", "--resiliency", "mirror-2", "--provisioning", "fixed");
        }
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /** fio's command for {@code seconds} of random 8 KiB-or-{@code bs} I/O at {@code depth} on a volume through a node. */
    private List<String> fio(final int node, final String volume, final String bs, final int depth, final String rw,
                             final int ramp, final int seconds)
    {
        return List.of("fio", "--name=" + volume, "--ioengine=nbd", "--uri=" + cluster.nbd(node, volume), "--rw=" + rw, "--bs=" + bs,
            "--iodepth=" + depth, "--size=256M", "--time_based", "--ramp_time=" + ramp, "--runtime=" + seconds,
            "--output-format=json");
    }

    /** Read and write IOPS fio measured, from its JSON (after the NBD engine's "connected" line). */
    private static double iops(final String output) throws Exception
    {
        final int start = output.indexOf('{');
        assertTrue(start >= 0, output);
        final JsonNode job = JSON.readTree(output.substring(start)).path("jobs").get(0);
        assertEquals(0, job.path("error").asInt(), output);
        return job.path("read").path("iops").asDouble() + job.path("write").path("iops").asDouble();
    }

    private double run(final List<String> command) throws Exception
    {
        final Tools.Result fio = Tools.run(300, command.toArray(new String[0]));
        assertEquals(0, fio.exit(), fio.output());
        return iops(fio.output());
    }

    /** Several fio runs at once; each one's IOPS. */
    private double[] together(final List<List<String>> commands) throws Exception
    {
        final List<Process> started = new ArrayList<>();
        try
        {
            for (final List<String> command : commands)
            {
                started.add(new ProcessBuilder(command).redirectErrorStream(true).start());
            }
            final double[] iops = new double[commands.size()];
            for (int i = 0; i < started.size(); i++)
            {
                final String output = new String(started.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(started.get(i).waitFor(300, TimeUnit.SECONDS), String.join(" ", commands.get(i)));
                System.out.println("$ " + String.join(" ", commands.get(i)) + "\n" + output);
                assertEquals(0, started.get(i).exitValue(), output);
                iops[i] = iops(output);
            }
            return iops;
        }
        finally
        {
            started.forEach(Process::destroyForcibly);
        }
    }

    private JsonNode qos() throws Exception
    {
        return JSON.readTree(cluster.get("node-1", "/api/v1/qos"));
    }

    private static JsonNode volumeOf(final JsonNode qos, final String name)
    {
        for (final JsonNode volume : qos.path("volumes"))
        {
            if (volume.path("volume").asText().equals(name))
            {
                return volume;
            }
        }
        throw new AssertionError(name + " is not in " + qos);
    }

    @Test
    @Order(1)
    void aDedicatedMaximumHoldsAtQueueDepth32AndA64KIoCountsEight() throws Exception
    {
        final CisternCli.Result created = cluster.ok("qos", "create", "silver", "--max-iops", "500");
        assertTrue(created.output().contains("QoS policy silver: dedicated"), created.output());
        cluster.ok("qos", "assign", "limited", "silver");

        final double small = run(fio(1, "limited", "8k", 32, "randread", 2, 10));
        assertTrue(small <= 550 && small >= 400, "a maximum of 500 normalised IOPS, 8 KiB at depth 32: fio measured " + small);

        final double big = run(fio(1, "limited", "64k", 32, "randread", 2, 10));
        assertTrue(big <= 550 / 8.0 && big >= 400 / 8.0, "64 KiB I/O counts 8: an eighth of 500, fio measured " + big);

        // Node 1 counted it: normalised I/Os, its share of the limit and the time requests waited.
        final String scrape = http.send(HttpRequest.newBuilder(java.net.URI.create(cluster.endpoint(1) + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(500, metric(scrape, "cistern_volume_qos_limit_iops", "limited"), 0.5, scrape);
        assertTrue(metric(scrape, "cistern_volume_qos_throttled_seconds_total", "limited") > 1, scrape);
        assertTrue(metric(scrape, "cistern_volume_qos_normalized_ios_total", "limited") >= (small + big * 8) * 10 * 0.9, scrape);

        // And node 1's volume MBean, over its JMX connector (user cistern, the API token).
        final javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
            "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + (9990 + PORT_OFFSET) + "/jmxrmi");
        final java.util.Map<String, Object> credentials = java.util.Map.of(javax.management.remote.JMXConnector.CREDENTIALS,
            new String[] {"cistern", java.nio.file.Files.readString(cluster.data().resolve("api-token")).trim()});
        try (javax.management.remote.JMXConnector jmx = javax.management.remote.JMXConnectorFactory.connect(url, credentials))
        {
            final javax.management.MBeanServerConnection beans = jmx.getMBeanServerConnection();
            final javax.management.ObjectName volume = new javax.management.ObjectName("io.cistern:type=Volume,name=limited");
            Awaitility.await("the volume's MBean").atMost(Duration.ofSeconds(30)).until(() -> beans.isRegistered(volume));
            assertEquals(500L, beans.getAttribute(volume, "QosLimitIops"));
            assertTrue((Double)beans.getAttribute(volume, "QosThrottledSeconds") > 1);
        }

        final CisternCli.Result list = cluster.ok("qos", "list");
        assertTrue(list.output().contains("silver  dedicated"), list.output());
        assertTrue(list.output().matches("(?s).*limited\\s+silver\\s+\\d+\\s+.*\\s500\\s.*"), list.output());
    }

    private static double metric(final String scrape, final String name, final String volume)
    {
        final Matcher value = Pattern.compile(Pattern.quote(name) + "\\{node=\"node-1\",volume=\"" + volume + "\"} ([0-9.E+-]+)")
            .matcher(scrape);
        assertTrue(value.find(), name + " for " + volume + " in\n" + scrape);
        return Double.parseDouble(value.group(1));
    }

    @Test
    @Order(2)
    void anAggregatedMaximumIsSharedByTwoVolumesDrivenThroughTwoNodes() throws Exception
    {
        cluster.ok("qos", "create", "shared", "--type", "aggregated", "--max-iops", "1000");
        cluster.ok("qos", "assign", "shared-a", "shared");
        cluster.ok("qos", "assign", "shared-b", "shared");
        final double[] iops = together(List.of(fio(1, "shared-a", "8k", 32, "randread", 3, 12),
            fio(2, "shared-b", "8k", 32, "randread", 3, 12)));
        final double sum = iops[0] + iops[1];
        assertTrue(sum <= 1100, "an aggregated maximum of 1000 through node 1 and node 2: " + iops[0] + " + " + iops[1]);
        assertTrue(sum >= 800, "and it is used: " + iops[0] + " + " + iops[1]);
        assertTrue(iops[0] >= 250 && iops[1] >= 250, "each volume gets a share: " + iops[0] + " and " + iops[1]);
    }

    @Test
    @Order(3)
    void aVolumeWithAMinimumKeepsItWhileAnotherFloodsTheCluster() throws Exception
    {
        // What this machine gives: the volume alone at depth 4, and beside a flood at depth 32 without QoS.
        final double alone = run(fio(2, "kept", "8k", 4, "randrw", 2, 8));
        final double[] flooded = together(List.of(fio(1, "flood", "8k", 32, "randrw", 2, 10), fio(2, "kept", "8k", 4, "randrw", 2, 10)));
        final long minimum = Math.round(alone * 0.6);
        assertTrue(flooded[1] < minimum * 0.8, "the flood must take the volume well under the minimum for this test to show " +
            "anything: alone " + alone + ", flooded " + flooded[1] + " (flood " + flooded[0] + "), minimum " + minimum);

        cluster.ok("qos", "create", "gold", "--min-iops", Long.toString(minimum));
        cluster.ok("qos", "assign", "kept", "gold");
        final double[] kept = together(List.of(fio(1, "flood", "8k", 32, "randrw", 5, 15), fio(2, "kept", "8k", 4, "randrw", 5, 15)));
        assertTrue(kept[1] >= minimum * 0.9, "a minimum of " + minimum + " under a flood: fio measured " + kept[1] +
            " (without the policy " + flooded[1] + "; the flood got " + kept[0] + ")");
        assertTrue(kept[0] > 0, "the flood is held back, not stopped");
    }

    @Test
    @Order(4)
    void aMinimumNothingCanMeetRaisesAFaultThatClearsOnceTheLoadStops() throws Exception
    {
        cluster.ok("qos", "set", "gold", "--min-iops", "1000000");
        final List<Process> load = new ArrayList<>();
        try
        {
            load.add(new ProcessBuilder(fio(1, "flood", "8k", 32, "randrw", 0, 90)).redirectErrorStream(true)
                .redirectOutput(cluster.tmp().resolve("fio-flood.log").toFile()).start());
            load.add(new ProcessBuilder(fio(2, "kept", "8k", 4, "randrw", 0, 90)).redirectErrorStream(true)
                .redirectOutput(cluster.tmp().resolve("fio-kept.log").toFile()).start());
            Awaitility.await("QOS_MINIMUM_NOT_MET for volume kept").atMost(Duration.ofSeconds(80)).pollInterval(Duration.ofSeconds(1))
                .until(() -> faults().contains("QOS_MINIMUM_NOT_MET volume kept"));
            assertTrue(!volumeOf(qos(), "kept").path("minimumMet").asBoolean(), qos().toString());
            final CisternCli.Result list = cluster.ok("fault", "list");
            assertTrue(list.output().contains("under the minimum of 1000000 of its QoS policy gold"), list.output());
        }
        finally
        {
            for (final Process fio : load)
            {
                fio.destroy();
                fio.waitFor(30, TimeUnit.SECONDS);
            }
        }
        Awaitility.await("the fault clears once the volume has no I/O waiting").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1)).until(() -> !faults().contains("QOS_MINIMUM_NOT_MET"));
    }

    /** Each fault as "KIND SUBJECT", one per line. */
    private String faults() throws Exception
    {
        final StringBuilder all = new StringBuilder();
        for (final JsonNode fault : JSON.readTree(cluster.get("node-3", "/api/v1/faults")).path("faults"))
        {
            all.append(fault.path("kind").asText()).append(' ').append(fault.path("subject").asText()).append('\n');
        }
        return all.toString();
    }

    @Test
    @Order(5)
    void badRequestsAreRefusedAndSayWhy() throws Exception
    {
        final HttpResponse<String> typo = send("POST", "/api/v1/qos", "{\"name\":\"x\",\"maxIop\":5}");
        assertEquals(400, typo.statusCode(), typo.body());
        assertTrue(typo.body().contains("unknown field 'maxIop' (did you mean 'maxIops'?)"), typo.body());
        final HttpResponse<String> inUse = send("DELETE", "/api/v1/qos/gold", null);
        assertEquals(409, inUse.statusCode(), inUse.body());
        assertTrue(inUse.body().contains("assigned to kept"), inUse.body());
        final HttpResponse<String> noVolume = send("PUT", "/api/v1/volumes/nothing/qos", "{\"policy\":\"gold\"}");
        assertEquals(404, noVolume.statusCode(), noVolume.body());
        final HttpResponse<String> noPolicy = send("PUT", "/api/v1/volumes/kept/qos", "{\"policy\":\"platinum\"}");
        assertEquals(404, noPolicy.statusCode(), noPolicy.body());
        final CisternCli.Result unit = cluster.cistern(60, "qos", "normalization", "1000");
        assertEquals(2, unit.exit(), unit.output());
        assertTrue(unit.output().contains("multiple of 512"), unit.output());

        cluster.ok("qos", "unassign", "kept");
        cluster.ok("qos", "delete", "gold");
        assertTrue(qos().path("policies").findValuesAsText("name").stream().noneMatch("gold"::equals), qos().toString());
    }

    private HttpResponse<String> send(final String method, final String path, final String body) throws Exception
    {
        return http.send(cluster.authorized(cluster.endpoint(2) + path)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
