package io.cistern.multijvm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Volumes over iSCSI on a real 3-node cluster, used by real initiators: discovery through one node lists
 * every node's portal, the volume is the same logical unit through each, an image copied in through one
 * node's target reads back through another's and over NBD through a third, and libiscsi's conformance
 * suite (iscsi-test-cu, the SCSI and iSCSI families) passes but for the failures listed here with why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class IscsiTest
{
    private static final int PORT_OFFSET = 6000;
    private static final String TARGET = "iqn.2026-11.io.cistern:shared";

    /**
     * The conformance tests this target fails, and why. Any other failure fails this test; one of these
     * passing is fine (then it should leave this list).
     */
    private static final Map<String, String> KNOWN_FAILURES = Map.of(
        "GetLBAStatus.UnmapSingle",
        "expects the first descriptor of a query at LBA i+1 to start at i+8; Cistern reports one descriptor from the LBA asked",
        "WriteSame16.Unmap",
        "writes and reads 65,536 blocks (32 MiB) in one command, past the 2,048 the block limits page allows");

    @RegisterExtension
    final NodeLogs logs = new NodeLogs();

    private TestCluster cluster;
    private Path tmp;

    private static String iscsi(final int node, final String target)
    {
        return "iscsi://127.0.0.1:" + (3260 + PORT_OFFSET + node - 1) + "/" + target + "/0";
    }

    @BeforeAll
    void startCluster() throws Exception
    {
        cluster = TestCluster.up(logs, "iscsi", PORT_OFFSET, "--nodes", "3", "--drives", "2", "--drive-size", "2G", "--slab-size", "16M");
        tmp = cluster.tmp();
        for (final String volume : new String[] {"shared", "conformance"})
        {
            final CisternCli.Result create = cluster.cistern(60, "volume", "create", volume, "--size", "256M", "--resiliency", "mirror-3");
            assertEquals(0, create.exit(), create.output());
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

    @Test
    @Order(1)
    void discoveryThroughOneNodeListsEveryNodesPortalAndEachIsTheSameUnit() throws Exception
    {
        final Tools.Result listed = Tools.run(60, "iscsi-ls", "iscsi://127.0.0.1:" + (3260 + PORT_OFFSET));
        assertEquals(0, listed.exit(), listed.output());
        for (int node = 1; node <= 3; node++)
        {
            final String portal = "Target:" + TARGET + " Portal:127.0.0.1:" + (3260 + PORT_OFFSET + node - 1) + "," + node;
            assertTrue(listed.output().contains(portal), portal + " in\n" + listed.output());
        }
        String identity = null;
        for (int node = 1; node <= 3; node++)
        {
            final Tools.Result page = Tools.run(60, "iscsi-inq", "-e", "1", "-c", "131", iscsi(node, TARGET));
            assertEquals(0, page.exit(), page.output());
            final Matcher vendor = Pattern.compile("Designator:\\[(CISTERN [0-9a-f]{16})]").matcher(page.output());
            assertTrue(vendor.find(), page.output());
            if (identity == null)
            {
                identity = vendor.group(1);
            }
            assertEquals(identity, vendor.group(1), "the same logical unit through node " + node);
        }
    }

    @Test
    @Order(2)
    void anImageCopiedInThroughOneNodeReadsBackThroughAnotherAndOverNbd() throws Exception
    {
        final byte[] image = new byte[48 << 20];
        new Random(20261202).nextBytes(image);
        final Path source = Files.write(tmp.resolve("image.raw"), image);
        final Tools.Result in = Tools.run(300, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", source.toString(), iscsi(1, TARGET));
        assertEquals(0, in.exit(), in.output());

        final Path back = tmp.resolve("back.raw");
        final Tools.Result out = Tools.run(300, "qemu-img", "convert", "-f", "raw", "-O", "raw", iscsi(2, TARGET), back.toString());
        assertEquals(0, out.exit(), out.output());
        assertArrayEquals(image, Arrays.copyOf(Files.readAllBytes(back), image.length), "read back through node 2's target");

        final Path nbd = tmp.resolve("nbd.raw");
        final Tools.Result copy = Tools.run(300, "nbdcopy", "nbd://127.0.0.1:" + (10809 + PORT_OFFSET + 2) + "/shared", nbd.toString());
        assertEquals(0, copy.exit(), copy.output());
        assertArrayEquals(image, Arrays.copyOf(Files.readAllBytes(nbd), image.length), "read over NBD through node 3");
    }

    @Test
    @Order(3)
    void libiscsisConformanceSuitePassesButForItsListedFailures() throws Exception
    {
        final Set<String> failed = new TreeSet<>();
        for (final String family : new String[] {"SCSI", "iSCSI"})
        {
            // The SCSI family with a second path through node 2: its multipath tests run across nodes.
            final Tools.Result run = family.equals("SCSI")
                ? Tools.run(900, "iscsi-test-cu", "--dataloss", "--normal", "--test=" + family,
                    iscsi(1, "iqn.2026-11.io.cistern:conformance"), iscsi(2, "iqn.2026-11.io.cistern:conformance"))
                : Tools.run(900, "iscsi-test-cu", "--dataloss", "--normal", "--test=" + family, iscsi(1, "iqn.2026-11.io.cistern:conformance"));
            final Matcher totals = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(run.output());
            assertTrue(totals.find(), run.output());
            assertTrue(Integer.parseInt(totals.group(3)) > 0, family + " passed nothing:\n" + run.output());
            final Matcher failure = Pattern.compile("Suite (\\S+), Test (\\S+) had failures").matcher(run.output());
            while (failure.find())
            {
                failed.add(failure.group(1) + "." + failure.group(2));
            }
        }
        final Set<String> unexpected = new TreeSet<>(failed);
        unexpected.removeAll(KNOWN_FAILURES.keySet());
        assertTrue(unexpected.isEmpty(), "conformance tests that fail and are not known to: " + unexpected);
    }

    @Test
    @Order(4)
    void libiscsisReservationTestsPassWithTheSecondInitiatorOnAnotherNode() throws Exception
    {
        // With a second URL, iscsi-test-cu logs its second initiator in through it: node 2 here.
        for (final String family : new String[] {"SCSI.ProutRegister", "SCSI.ProutReserve", "SCSI.ProutClear", "SCSI.ProutPreempt",
            "SCSI.PrinReadKeys", "SCSI.PrinReportCapabilities", "SCSI.PrinServiceactionRange"})
        {
            final Tools.Result run = Tools.run(600, "iscsi-test-cu", "--dataloss", "--normal", "--test=" + family,
                iscsi(1, "iqn.2026-11.io.cistern:conformance"), iscsi(2, "iqn.2026-11.io.cistern:conformance"));
            final Matcher totals = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(run.output());
            assertTrue(totals.find(), run.output());
            assertEquals("0", totals.group(4), family + " had failures:\n" + run.output());
            assertTrue(!run.output().contains("is not implemented"), family + " found something not implemented:\n" + run.output());
        }
    }

    @Test
    @Order(5)
    void aReservationHoldsWhenTheNodeServingItsHolderIsKilledAndPreemptAndAbortFencesTheHolder() throws Exception
    {
        try
        {
            holdFenceAndRestart(TARGET);
        }
        finally
        {
            // The next cases share the cluster and the volume, whatever this one left behind.
            cluster.cistern(300, "node", "start", "node-1");
            unreserve(TARGET);
        }
    }

    private void holdFenceAndRestart(final String target) throws Exception
    {
        final byte[] write = {0x2a, 0, 0, 0, 0, 64, 0, 0, 1, 0}; // WRITE 10, LBA 64, 1 block
        final byte[] read = {0x28, 0, 0, 0, 0, 64, 0, 0, 1, 0};
        final byte[] block = new byte[512];
        try (IscsiInitiator holder = IscsiInitiator.login(3260 + PORT_OFFSET, "iqn.2026-12.io.cistern.test:holder", target);
             IscsiInitiator other = IscsiInitiator.login(3260 + PORT_OFFSET + 1, "iqn.2026-12.io.cistern.test:other", target))
        {
            assertEquals(0, holder.command(prOut(0, 0), keys(0, 0xaaaa), 0).status(), "REGISTER");
            assertEquals(0, holder.command(prOut(1, 5), keys(0xaaaa, 0), 0).status(), "RESERVE Write Exclusive - Registrants Only");
            assertEquals(0, holder.command(write, block, 0).status(), "the holder writes");
            assertEquals(0x18, other.command(write, block, 0).status(), "an unregistered initiator on another node is refused");
            assertEquals(0, other.command(read, null, 512).status(), "and reads");
            // An NBD client cannot register: it meets the reservation as an unregistered initiator does.
            final Tools.Result nbdWrite = Tools.run(60, "qemu-io", "-f", "raw", "-c", "write -P 0x55 32768 512", cluster.nbd(2, "shared"));
            assertTrue(nbdWrite.output().contains("Operation not permitted"), "an NBD write is refused:\n" + nbdWrite.output());
            final Tools.Result nbdRead = Tools.run(60, "qemu-io", "-f", "raw", "-c", "read 32768 512", cluster.nbd(2, "shared"));
            assertTrue(nbdRead.exit() == 0 && nbdRead.output().contains("read 512/512 bytes"), "an NBD read is not:\n" + nbdRead.output());

            final CisternCli.Result attachments = cluster.cistern(60, "volume", "attachments", "shared", "--json");
            assertEquals(0, attachments.exit(), attachments.output());
            boolean holderSeen = false;
            for (final com.fasterxml.jackson.databind.JsonNode row : TestCluster.JSON.readTree(attachments.output()).path("attachments"))
            {
                if (row.path("initiator").asText().startsWith("iqn.2026-12.io.cistern.test:holder,i,0x"))
                {
                    holderSeen = true;
                    assertEquals("node-1", row.path("node").asText(), row.toString());
                    assertEquals("aaaa", row.path("key").asText(), row.toString());
                    assertTrue(row.path("holder").asBoolean(), row.toString());
                }
            }
            assertTrue(holderSeen, "volume attachments lists the holder's session:\n" + attachments.output());

            cluster.kill("node-1");
            // Node 2 keeps enforcing the reservation; its entity moves off the dead node and still has it.
            assertEquals(0x18, other.command(write, block, 0).status(), "still refused with the holder's node gone");
            final IscsiInitiator.Response reservation = retried(other, prIn(1), 64);
            assertEquals(0, reservation.status());
            assertEquals(0xaaaa, ByteBuffer.wrap(reservation.data()).getLong(8), "the holder's key");
            assertEquals(5, reservation.data()[21] & 0x0f, "its type");

            // REGISTER AND IGNORE EXISTING KEY: a command answered NOT READY may still have been done, and is sent again.
            assertEquals(0, retried(other, prOut(6, 0), keys(0, 0xbbbb)).status(), "REGISTER the second initiator");
            final int preempt = retried(other, prOut(5, 5), keys(0xbbbb, 0xaaaa)).status();
            final IscsiInitiator.Response moved = other.command(prIn(1), null, 64);
            assertEquals(0xbbbb, ByteBuffer.wrap(moved.data()).getLong(8),
                "PREEMPT AND ABORT (status " + preempt + ") moved the reservation to the second initiator");
            assertEquals(0, other.command(write, block, 0).status(), "the new holder writes");
        }
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", "node-1");
        assertEquals(0, restart.exit(), restart.output());
        try (IscsiInitiator again = IscsiInitiator.login(3260 + PORT_OFFSET, "iqn.2026-12.io.cistern.test:holder", target))
        {
            assertEquals(0x18, again.command(write, block, 0).status(), "the preempted initiator is fenced on its node too");
            final IscsiInitiator.Response keys = again.command(prIn(0), null, 64);
            assertEquals(8, ByteBuffer.wrap(keys.data()).getInt(4), "one registration left");
            assertEquals(0xbbbb, ByteBuffer.wrap(keys.data()).getLong(8),
                "the restarted node enforces the reservations as they are now, not as it last saw them");
            // Registered again, it may CLEAR everything: the volume is unreserved for the next cases.
            assertEquals(0, again.command(prOut(6, 0), keys(0, 0xcccc), 0).status(), "REGISTER AND IGNORE EXISTING KEY");
            assertEquals(0, again.command(prOut(3, 0), keys(0xcccc, 0), 0).status(), "CLEAR");
            assertEquals(0, again.command(write, block, 0).status(), "nothing is reserved any more");
        }
    }

    /** Leaves the volume with no registrations, whatever a failed case left behind: the next cases share it. */
    private static void unreserve(final String target) throws Exception
    {
        try (IscsiInitiator cleaner = IscsiInitiator.login(3260 + PORT_OFFSET + 1, "iqn.2026-12.io.cistern.test:cleaner", target))
        {
            retried(cleaner, prOut(6, 0), keys(0, 0xdddd));
            retried(cleaner, prOut(3, 0), keys(0xdddd, 0));
        }
    }

    /** A command sent again while the cluster answers NOT READY (an entity moving off a dead node), for at most a minute. */
    private static IscsiInitiator.Response retried(final IscsiInitiator initiator, final byte[] cdb, final Object dataOrLength)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true)
        {
            final IscsiInitiator.Response response = dataOrLength instanceof byte[] data
                ? initiator.command(cdb, data, 0) : initiator.command(cdb, null, (Integer)dataOrLength);
            final boolean notReady = response.status() == 2 && response.sense().length > 2 && (response.sense()[2] & 0x0f) == 2;
            if (!notReady || System.nanoTime() > deadline)
            {
                return response;
            }
        }
    }

    private static byte[] prOut(final int action, final int type)
    {
        return new byte[] {0x5f, (byte)action, (byte)type, 0, 0, 0, 0, 0, 24, 0};
    }

    private static byte[] prIn(final int action)
    {
        return new byte[] {0x5e, (byte)action, 0, 0, 0, 0, 0, 0, 64, 0};
    }

    private static byte[] keys(final long key, final long serviceActionKey)
    {
        return ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).array();
    }

    @Test
    @Order(6)
    void aConnectedInitiatorIsToldOfAnOnlineResizeAndSeesTheNewCapacity() throws Exception
    {
        final String target = "iqn.2026-11.io.cistern:shared";
        final byte[] readCapacity = {(byte)0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0};
        final byte[] testUnitReady = new byte[6];
        try (IscsiInitiator initiator = IscsiInitiator.login(3260 + PORT_OFFSET + 1, "iqn.2026-12.io.cistern.test:resize", target))
        {
            final IscsiInitiator.Response before = initiator.command(readCapacity, null, 32);
            assertEquals(0, before.status(), "READ CAPACITY 16");
            assertEquals((256L << 20) / 512 - 1, ByteBuffer.wrap(before.data()).getLong(0));

            final CisternCli.Result resize = cluster.cistern(60, "volume", "resize", "shared", "--size", "512M");
            assertEquals(0, resize.exit(), resize.output());
            // The node learns of the resize when its copy of the journal applies it; the next command then
            // meets the unit attention, once.
            final IscsiInitiator.Response[] told = new IscsiInitiator.Response[1];
            org.awaitility.Awaitility.await("a unit attention").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100)).until(() ->
                {
                    told[0] = initiator.command(testUnitReady, null, 0);
                    return told[0].status() != 0;
                });
            assertEquals(2, told[0].status(), "CHECK CONDITION");
            assertEquals(6, told[0].sense()[2] & 0x0f, "UNIT ATTENTION");
            assertEquals(0x2a, told[0].sense()[12] & 0xff, "CAPACITY DATA HAS CHANGED");
            assertEquals(0x09, told[0].sense()[13] & 0xff);
            assertEquals(0, initiator.command(testUnitReady, null, 0).status(), "told once");
            final IscsiInitiator.Response after = initiator.command(readCapacity, null, 32);
            assertEquals((512L << 20) / 512 - 1, ByteBuffer.wrap(after.data()).getLong(0), "the new capacity");
            final byte[] lastBlock = {(byte)0x8a, 0, 0, 0, 0, 0, 0, 0x0f, (byte)0xff, (byte)0xff, 0, 0, 0, 1, 0, 0};
            assertEquals(0, initiator.command(lastBlock, new byte[512], 0).status(), "a write to the new last block");
        }
    }

    @Test
    @Order(7)
    void compareAndWritesThroughTwoNodesAtOnceNeverLoseAnIncrement() throws Exception
    {
        final int lba = 2048;
        final int incrementsEach = 40;
        try (IscsiInitiator viaNode1 = IscsiInitiator.login(3260 + PORT_OFFSET, "iqn.2026-12.io.cistern.test:caw-1", TARGET);
             IscsiInitiator viaNode2 = IscsiInitiator.login(3260 + PORT_OFFSET + 1, "iqn.2026-12.io.cistern.test:caw-2", TARGET))
        {
            assertEquals(0, viaNode1.command(write10(lba), new byte[512], 0).status(), "the counter starts at zero");
            final ExecutorService pool = Executors.newFixedThreadPool(2);
            try
            {
                final List<Future<Integer>> done = new ArrayList<>();
                for (final IscsiInitiator initiator : List.of(viaNode1, viaNode2))
                {
                    done.add(pool.submit(() -> increments(initiator, lba, incrementsEach)));
                }
                int total = 0;
                for (final Future<Integer> each : done)
                {
                    total += each.get(5, TimeUnit.MINUTES);
                }
                final IscsiInitiator.Response read = viaNode2.command(read10(lba), null, 512);
                assertEquals(0, read.status());
                assertEquals(2 * incrementsEach, total, "both initiators made their increments");
                assertEquals(total, ByteBuffer.wrap(read.data()).getLong(0),
                    "every COMPARE AND WRITE that succeeded incremented the value it compared, through either node");
            }
            finally
            {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Increments a counter in block {@code lba} by COMPARE AND WRITE, {@code count} times; a miscompare reads
     * the block again and retries. Bounded: each initiator gets 20 rounds per increment.
     */
    private static int increments(final IscsiInitiator initiator, final int lba, final int count) throws Exception
    {
        final byte[] cdb = {(byte)0x89, 0, 0, 0, 0, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0, 0, 0, 1, 0, 0};
        long believed = 0;
        int done = 0;
        for (int round = 0; round < count * 20 && done < count; round++)
        {
            final byte[] halves = ByteBuffer.allocate(1024).putLong(0, believed).putLong(512, believed + 1).array();
            final IscsiInitiator.Response response = initiator.command(cdb, halves, 0);
            if (response.status() == 0)
            {
                done++;
                believed++;
                continue;
            }
            assertTrue(response.status() == 2 && response.sense().length > 2 && (response.sense()[2] & 0x0f) == 0x0e,
                "COMPARE AND WRITE answered " + response.status() + " with sense key " +
                    (response.sense().length > 2 ? response.sense()[2] & 0x0f : -1) + ", not MISCOMPARE");
            final IscsiInitiator.Response read = initiator.command(read10(lba), null, 512);
            assertEquals(0, read.status());
            believed = ByteBuffer.wrap(read.data()).getLong(0);
        }
        return done;
    }

    @Test
    @Order(8)
    void anInitiatorWithPathsThroughTwoNodesLosesOneAndGoesOnThroughTheOther() throws Exception
    {
        final String target = "iqn.2026-11.io.cistern:shared";
        final byte[][] blocks = new byte[96][512];
        final Random random = new Random(7);
        for (final byte[] block : blocks)
        {
            random.nextBytes(block);
        }
        try (IscsiInitiator viaNode2 = IscsiInitiator.login(3260 + PORT_OFFSET + 1, "iqn.2026-12.io.cistern.test:mpath", target);
             IscsiInitiator viaNode3 = IscsiInitiator.login(3260 + PORT_OFFSET + 2, "iqn.2026-12.io.cistern.test:mpath", target))
        {
            for (int i = 0; i < 64; i++)
            {
                assertEquals(0, (i % 2 == 0 ? viaNode2 : viaNode3).command(write10(4096 + i), blocks[i], 0).status(),
                    "block " + i + " through node " + (i % 2 == 0 ? 2 : 3));
            }
            cluster.kill("node-3");
            // The path through node 3 is gone; the initiator goes on through node 2 (a stall, no error).
            for (int i = 64; i < blocks.length; i++)
            {
                assertEquals(0, viaNode2.command(write10(4096 + i), blocks[i], 0).status(), "block " + i + " after node 3's loss");
            }
            for (int i = 0; i < blocks.length; i++)
            {
                final IscsiInitiator.Response read = viaNode2.command(read10(4096 + i), null, 512);
                assertEquals(0, read.status());
                assertArrayEquals(blocks[i], read.data(), "block " + i + " reads back as written");
            }
        }
    }

    private static byte[] write10(final int lba)
    {
        return new byte[] {0x2a, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0, 0, 1, 0};
    }

    private static byte[] read10(final int lba)
    {
        return new byte[] {0x28, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0, 0, 1, 0};
    }
}
