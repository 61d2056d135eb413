package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cistern.storage.ExtentHeader;
import io.cistern.storage.ExtentId;
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

import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Volumes on the mirrored data path, used by real NBD clients against a real 3-node cluster: the size
 * nbdinfo sees, 64 MiB written through node 1 and read back byte for byte through node 3, an fio
 * write-then-verify job, and a flipped byte in one extent file healed on read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class VolumeDataPathTest
{
    private static final int PORT_OFFSET = 2000;
    private static final long SLAB = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private TestCluster cluster;
    private Path tmp;
    private Path data;
    private byte[] written;

    private String nbd(final int node, final String volume)
    {
        return "nbd://127.0.0.1:" + (10809 + PORT_OFFSET + node - 1) + "/" + volume;
    }

    private String endpoint()
    {
        return "http://127.0.0.1:" + (7626 + PORT_OFFSET);
    }

    @BeforeAll
    void startCluster() throws Exception
    {
        cluster = TestCluster.up(logs, "datapath", PORT_OFFSET, "--nodes", "3", "--drives", "2", "--drive-size", "2G", "--slab-size", "16M");
        tmp = cluster.tmp();
        data = cluster.data();
        final CisternCli.Result create = cluster.cistern(60, "volume", "create", "vol1", "--size", "256M", "--resiliency", "mirror-3");
        assertEquals(0, create.exit(), create.output());
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
    void nbdinfoReportsTheExactSize() throws Exception
    {
        for (int node = 1; node <= 3; node++)
        {
            final Tools.Result size = Tools.run(60, "nbdinfo", "--size", nbd(node, "vol1"));
            assertEquals(0, size.exit(), size.output());
            assertEquals(String.valueOf(256L << 20), size.output().trim(), "through node " + node);
        }
        assertNotEquals(0, Tools.run(60, "nbdinfo", "--size", nbd(1, "no-such-volume")).exit());
    }

    @Test
    @Order(1)
    void theApiWantsTheTokenAndNamesItsClusterAndAMisspeltFieldIsRefusedAndCreatesNothing() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        final String body = "{\"name\":\"typo\",\"size\":\"64M\",\"resiliency\":\"mirror-3\"}";
        final HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/api/v1/volumes"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertTrue(anonymous.body().contains("needs a bearer token"), anonymous.body());
        assertEquals("Bearer realm=\"cistern\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
        final HttpResponse<String> guessed = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/api/v1/volumes"))
            .header("Authorization", "Bearer not-the-token-at-all-0123456789").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, guessed.statusCode(), guessed.body());
        for (final String open : List.of("/alive", "/ready", "/metrics"))
        {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(endpoint() + open)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), open + " needs no token");
        }

        final HttpResponse<String> refused = http.send(cluster.authorized(endpoint() + "/api/v1/volumes")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.replace("resiliency", "resilency"))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("unknown field 'resilency' (did you mean 'resiliency'?)"), refused.body());
        assertEquals(JSON.readTree(data.resolve("cluster.json").toFile()).path("id").asText(),
            refused.headers().firstValue("Cistern-Cluster").orElse(null), "every API answer names the cluster");
        final HttpResponse<String> none = http.send(cluster.authorized(endpoint() + "/api/v1/volumes/typo").build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode(), "no volume was created: " + none.body());
    }

    @Test
    @Order(1)
    void theOpenApiDocumentListsWhatEachPathOfTheRoutesAllows() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        final HttpResponse<String> document = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/api/v1/openapi.json")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, document.statusCode(), "the description needs no token: " + document.body());
        final JsonNode paths = JSON.readTree(document.body()).path("paths");
        assertTrue(paths.size() >= 13, document.body());
        final java.util.Iterator<Map.Entry<String, JsonNode>> each = paths.fields();
        while (each.hasNext())
        {
            final Map.Entry<String, JsonNode> path = each.next();
            final java.util.Set<String> documented = new java.util.TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase(java.util.Locale.ROOT)));
            // A method no route takes: the routes answer 405 and name what they allow there (a path they lack is a 404).
            final String url = endpoint() + path.getKey().replace("{name}", "vol1").replace("{id}", "no-such-drive")
                .replace("{policy}", "no-such-policy");
            final HttpResponse<String> probe = http.send(cluster.authorized(url).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(405, probe.statusCode(), path.getKey() + ": " + probe.body());
            final java.util.Set<String> allowed = new java.util.TreeSet<>();
            for (final String method : probe.headers().firstValue("Allow").orElse("").split(","))
            {
                if (!method.isBlank())
                {
                    allowed.add(method.trim());
                }
            }
            assertEquals(documented, allowed, path.getKey() + ": the document and the routes disagree");
        }
    }

    @Test
    @Order(2)
    void writtenThroughOneNodeReadsBackThroughAnother() throws Exception
    {
        written = new byte[64 << 20];
        new Random(20261122).nextBytes(written);
        final Path source = Files.write(tmp.resolve("source.raw"), written);
        final Tools.Result write = Tools.run(300, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", source.toString(), nbd(1, "vol1"));
        assertEquals(0, write.exit(), write.output());

        final Path back = tmp.resolve("back.raw");
        final Tools.Result read = Tools.run(300, "nbdcopy", nbd(3, "vol1"), back.toString());
        assertEquals(0, read.exit(), read.output());
        final byte[] whole = Files.readAllBytes(back);
        assertEquals(256L << 20, whole.length);
        assertArrayEquals(written, Arrays.copyOf(whole, written.length), "the first 64 MiB as written");
        for (int i = written.length; i < whole.length; i += 4096)
        {
            assertEquals(0, whole[i], "never-written bytes read as zero at " + i);
        }

        final JsonNode show = JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output());
        assertEquals(4, show.path("detail").path("slabsPlaced").asInt(), "a thin volume placed only the slabs written");
        assertEquals(12, show.path("detail").path("extentsByState").path("IN_SYNC").asInt());
        assertEquals(3, show.path("detail").path("extentsByNode").size(), "mirror-3 keeps a copy on every node");
    }

    @Test
    @Order(3)
    void fioWritesAndVerifiesThroughTheNbdEngine() throws Exception
    {
        final Tools.Result fio = Tools.run(420, "fio", "--name=verify", "--ioengine=nbd", "--uri=" + nbd(2, "vol1"),
            "--rw=randwrite", "--bs=4k", "--size=8M", "--offset=128M", "--iodepth=4", "--verify=crc32c", "--verify_fatal=1",
            "--verify_state_save=0",
            "--do_verify=1");
        assertEquals(0, fio.exit(), fio.output());
        assertTrue(fio.output().contains("err= 0"), fio.output());

        // Node 2 counted them: Prometheus text at /metrics, its writes and their latency, and the JVM's.
        final HttpResponse<String> scrape = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(cluster.endpoint(2) + "/metrics")).timeout(java.time.Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode(), scrape.body());
        assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers().toString());
        final java.util.regex.Matcher writes = java.util.regex.Pattern.compile(
            "cistern_volume_writes_total\\{node=\"node-2\",volume=\"vol1\"} ([0-9.E]+)").matcher(scrape.body());
        assertTrue(writes.find(), scrape.body());
        assertTrue(Double.parseDouble(writes.group(1)) >= 2048, "fio wrote 8 MiB in 4 KiB blocks through node 2: " + writes.group());
        assertTrue(scrape.body().contains("cistern_volume_write_latency_seconds_count{node=\"node-2\",volume=\"vol1\"}"), scrape.body());
        assertTrue(scrape.body().contains("jvm_memory_used_bytes"), scrape.body());

        // And over JMX, as any JMX client (jconsole, a monitoring agent) reaches it: the JDK's RMI connector.
        final javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
            "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + (9990 + PORT_OFFSET + 1) + "/jmxrmi");
        // The connector wants the API token (user cistern), as the API does.
        final SecurityException anonymous = org.junit.jupiter.api.Assertions.assertThrows(SecurityException.class,
            () -> javax.management.remote.JMXConnectorFactory.connect(url).close());
        assertTrue(anonymous.getMessage().contains("wants user cistern and the cluster's API token"), anonymous.getMessage());
        final java.util.Map<String, Object> credentials = java.util.Map.of(javax.management.remote.JMXConnector.CREDENTIALS,
            new String[] {"cistern", Files.readString(data.resolve("api-token")).trim()});
        try (javax.management.remote.JMXConnector jmx = javax.management.remote.JMXConnectorFactory.connect(url, credentials))
        {
            final javax.management.MBeanServerConnection beans = jmx.getMBeanServerConnection();
            final javax.management.ObjectName volume = new javax.management.ObjectName("io.cistern:type=Volume,name=vol1");
            Awaitility.await("the volume's MBean").atMost(java.time.Duration.ofSeconds(30)).until(() -> beans.isRegistered(volume));
            assertEquals(cluster.volume("vol1").path("sizeBytes").asLong(), (Long)beans.getAttribute(volume, "SizeBytes"));
            assertTrue((Long)beans.getAttribute(volume, "Writes") >= 2048, "node 2's volume bean counts fio's writes");
            final javax.management.ObjectName pool = new javax.management.ObjectName("io.cistern:type=Pool");
            assertEquals(6, beans.getAttribute(pool, "Drives"), "3 nodes x 2 drives");
            assertEquals(6, beans.queryNames(new javax.management.ObjectName("io.cistern:type=Drive,*"), null).size());
            final Object scrub = beans.invoke(new javax.management.ObjectName("io.cistern:type=Node,name=node-2"), "scrub", null, null);
            assertTrue(String.valueOf(scrub).startsWith("scrub started"), String.valueOf(scrub));
            Awaitility.await("the scrub job's MBean").atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !beans.queryNames(new javax.management.ObjectName("io.cistern:type=Job,*"), null).isEmpty());
        }
    }

    @Test
    @Order(4)
    void aFlippedByteInOneCopyIsHealedOnRead() throws Exception
    {
        final JsonNode volume = JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output());
        final long volumeId = Long.parseUnsignedLong(volume.path("id").asText(), 16);
        final JsonNode slab0 = volume.path("detail").path("slabs").get(0);
        JsonNode onNode1 = null;
        for (final JsonNode extent : slab0.path("extents"))
        {
            if (extent.path("node").asText().equals("node-1"))
            {
                onNode1 = extent;
            }
        }
        assertTrue(onNode1 != null, slab0.toString());
        final Path drive = drivePath(onNode1.path("drive").asText());
        final ExtentId id = new ExtentId(volumeId, 0, onNode1.path("copy").asInt());
        final Path file = drive.resolve(id.fileName());
        final long at = new ExtentHeader(id, SLAB).dataOffset() + 8192 + 17;

        final byte original;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(at);
            original = raf.readByte();
            raf.seek(at);
            raf.writeByte(original ^ 0x5a);
        }
        assertEquals(written[8192 + 17], original, "the extent holds what was written");

        // Node 1 reads its own copy first: it fails its checksum, the read is answered from another copy.
        final Path back = tmp.resolve("healed.raw");
        final Tools.Result read = Tools.run(120, "nbdcopy", nbd(1, "vol1"), back.toString());
        assertEquals(0, read.exit(), read.output());
        assertArrayEquals(written, Arrays.copyOf(Files.readAllBytes(back), written.length), "the read returned the right data");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            raf.seek(at);
            assertEquals(original, raf.readByte(), "the bad copy was rewritten from a good one");
        }

        // The health service says which drive's block failed its checksum (from node 1's performance history).
        final String driveId = onNode1.path("drive").asText();
        Awaitility.await("a checksum fault of the drive").atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofSeconds(2))
            .until(() -> JSON.readTree(cluster.cistern(60, "fault", "list", "--json").output()).path("faults").findValuesAsText("subject")
                .stream().anyMatch(subject -> subject.startsWith("drive " + driveId)));
        final JsonNode faults = JSON.readTree(cluster.cistern(60, "fault", "list", "--json").output()).path("faults");
        boolean checksum = false;
        for (final JsonNode fault : faults)
        {
            checksum |= fault.path("kind").asText().equals("DRIVE_CHECKSUM_ERRORS") && fault.path("subject").asText().startsWith("drive " + driveId);
        }
        assertTrue(checksum, faults.toString());
    }

    @Test
    @Order(5)
    void writersThroughTwoNodesHammeringTheSameBlocksLeaveEveryCopyAlike() throws Exception
    {
        // Two fio processes, one through node 1 and one through node 2, each writing 2048 blocks at random
        // into the same 16 blocks: writes to one block from both are in flight together all the time. Each
        // slab's primary orders them, so the three copies end up byte for byte the same.
        final long offset = 12 * SLAB;
        final List<Process> writers = new ArrayList<>();
        for (int node = 1; node <= 2; node++)
        {
            writers.add(new ProcessBuilder("fio", "--name=hammer" + node, "--ioengine=nbd", "--uri=" + nbd(node, "vol1"),
                "--rw=randwrite", "--bs=4k", "--offset=" + offset, "--size=64k", "--io_size=8M", "--iodepth=8",
                "--randseed=" + node, "--buffer_pattern=0x" + Integer.toHexString(0x11 * node))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("hammer" + node + ".log").toFile()).start());
        }
        for (int i = 0; i < writers.size(); i++)
        {
            final Process writer = writers.get(i);
            assertTrue(writer.waitFor(300, TimeUnit.SECONDS), "fio through node " + (i + 1) + " finished");
            assertEquals(0, writer.exitValue(), Files.readString(tmp.resolve("hammer" + (i + 1) + ".log")));
        }

        final JsonNode volume = JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output());
        final long volumeId = Long.parseUnsignedLong(volume.path("id").asText(), 16);
        JsonNode slab = null;
        for (final JsonNode candidate : volume.path("detail").path("slabs"))
        {
            if (candidate.path("index").asInt() == 12)
            {
                slab = candidate;
            }
        }
        assertTrue(slab != null && slab.path("extents").size() == 3, "slab 12 has three copies: " + slab);
        byte[] first = null;
        for (final JsonNode extent : slab.path("extents"))
        {
            final ExtentId id = new ExtentId(volumeId, 12, extent.path("copy").asInt());
            final byte[] file = Files.readAllBytes(drivePath(extent.path("drive").asText()).resolve(id.fileName()));
            // Past the header (which names the copy): the checksums and the data.
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
    @Order(6)
    void anAttachedVolumeIsNotDeletedAndAKilledNodesAttachmentsAreForgotten() throws Exception
    {
        try (NbdSession session = new NbdSession(cluster.nbdPort(1), "vol1"))
        {
            final CisternCli.Result refused = cluster.cistern(60, "volume", "delete", "vol1");
            assertEquals(2, refused.exit(), "a user error: " + refused.output());
            assertTrue(refused.output().contains("volume vol1 is attached by [nbd@node-1~"), refused.output());

            // The node dies with the client attached: nothing detaches it.
            cluster.kill("node-1");
        }
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", "node-1");
        assertEquals(0, restart.exit(), restart.output());
        Awaitility.await("node-1's leftover attachment is forgotten").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output())
                .path("attachments").size() == 0);

        final JsonNode volume = JSON.readTree(cluster.cistern(60, "volume", "show", "vol1", "--json").output());
        final String prefix = volume.path("id").asText();
        final CisternCli.Result deleted = cluster.cistern(60, "volume", "delete", "vol1");
        assertEquals(0, deleted.exit(), deleted.output());
        Awaitility.await("every extent file of vol1 is deleted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> extentFiles(String.format("%016x", Long.parseUnsignedLong(prefix, 16))) == 0);
        final JsonNode pool = JSON.readTree(cluster.cistern(60, "pool", "--json").output());
        assertEquals(0, pool.path("allocatedBytes").asLong(), "the pool got the space back");
    }

    /**
     * A forced delete while clients write through other nodes: the clients' writes fail from then on (fio
     * stops with an error long before its run time), no extent of either volume comes back, and the pool
     * gets every byte back, also after a node restarts and replays the journal.
     */
    @Test
    @Order(7)
    void forcedDeletesFenceConnectedClientsAndEveryByteReturnsToThePool() throws Exception
    {
        final long before = allocated();
        assertEquals(0, cluster.cistern(60, "volume", "create", "gone-thin", "--size", "128M", "--resiliency", "mirror-3").exit());
        assertEquals(0, cluster.cistern(60, "volume", "create", "gone-fixed", "--size", "64M", "--resiliency", "mirror-3",
            "--provisioning", "fixed").exit());
        final List<String> prefixes = new ArrayList<>();
        for (final String name : List.of("gone-thin", "gone-fixed"))
        {
            final JsonNode volume = JSON.readTree(cluster.cistern(60, "volume", "show", name, "--json").output());
            prefixes.add(String.format("%016x", Long.parseUnsignedLong(volume.path("id").asText(), 16)));
        }
        final List<Process> writers = new ArrayList<>();
        final List<Path> outputs = new ArrayList<>();
        for (final String[] target : new String[][] {{"2", "gone-thin"}, {"3", "gone-fixed"}})
        {
            final Path output = tmp.resolve("fio-" + target[1] + ".out");
            outputs.add(output);
            writers.add(new ProcessBuilder("fio", "--name=" + target[1], "--ioengine=nbd",
                "--uri=" + nbd(Integer.parseInt(target[0]), target[1]), "--rw=randwrite", "--bs=64k", "--iodepth=4",
                "--time_based", "--runtime=180", "--size=64M").redirectErrorStream(true).redirectOutput(output.toFile()).start());
        }
        Awaitility.await("the thin volume's writes have placed slabs").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> JSON.readTree(cluster.cistern(60, "volume", "show", "gone-thin", "--json").output())
                .path("detail").path("slabsPlaced").asInt() > 0);
        final long deletedAt = System.nanoTime();
        for (final String name : List.of("gone-thin", "gone-fixed"))
        {
            final CisternCli.Result deleted = cluster.cistern(60, "volume", "delete", name, "--force");
            assertEquals(0, deleted.exit(), deleted.output());
        }
        for (int i = 0; i < writers.size(); i++)
        {
            final Process writer = writers.get(i);
            assertTrue(writer.waitFor(90, TimeUnit.SECONDS), "fio went on writing to a deleted volume");
            final String output = Files.readString(outputs.get(i));
            System.out.println(output);
            assertNotEquals(0, writer.exitValue(), "fio must see its writes fail: " + output);
        }
        System.out.printf("writers failed %.1f s after the deletes%n", (System.nanoTime() - deletedAt) / 1e9);

        Awaitility.await("every byte of both volumes is back in the pool").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1)).until(() -> allocated() == before);
        for (final String prefix : prefixes)
        {
            Awaitility.await("no extent of " + prefix + " is left or comes back").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1)).until(() -> extentFiles(prefix) == 0);
        }

        cluster.kill("node-2");
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", "node-2");
        assertEquals(0, restart.exit(), restart.output());
        assertEquals(before, allocated(), "after node-2 replayed the journal");
        for (final String prefix : prefixes)
        {
            assertEquals(0, extentFiles(prefix), "no extent of " + prefix + " after the restart");
        }
    }

    private long allocated() throws Exception
    {
        return cluster.allocated();
    }

    private long extentFiles(final String volumePrefix) throws Exception
    {
        try (java.util.stream.Stream<Path> files = Files.walk(data, 5))
        {
            return files.filter(p -> p.getFileName().toString().startsWith(volumePrefix)).count();
        }
    }

    private Path drivePath(final String driveId) throws Exception
    {
        final JsonNode drives = JSON.readTree(cluster.cistern(60, "drive", "list", "--json", "--endpoint", endpoint()).output());
        for (final JsonNode drive : drives.path("drives"))
        {
            if (drive.path("id").asText().equals(driveId))
            {
                return Path.of(drive.path("path").asText());
            }
        }
        throw new AssertionError("no drive " + driveId + " in " + drives);
    }
}
