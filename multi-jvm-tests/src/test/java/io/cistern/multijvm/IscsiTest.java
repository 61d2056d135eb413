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
            final Tools.Result run = Tools.run(900, "iscsi-test-cu", "--dataloss", "--normal", "--test=" + family, iscsi(1, "iqn.2026-11.io.cistern:conformance"));
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
        final String target = "iqn.2026-11.io.cistern:shared";
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

            cluster.kill("node-1");
            // Node 2 keeps enforcing the reservation; its entity moves off the dead node and still has it.
            assertEquals(0x18, other.command(write, block, 0).status(), "still refused with the holder's node gone");
            final IscsiInitiator.Response reservation = retried(other, prIn(1), 64);
            assertEquals(0, reservation.status());
            assertEquals(0xaaaa, ByteBuffer.wrap(reservation.data()).getLong(8), "the holder's key");
            assertEquals(5, reservation.data()[21] & 0x0f, "its type");

            assertEquals(0, retried(other, prOut(0, 0), keys(0, 0xbbbb)).status(), "REGISTER the second initiator");
            assertEquals(0, retried(other, prOut(5, 5), keys(0xbbbb, 0xaaaa)).status(), "PREEMPT AND ABORT the holder");
            assertEquals(0, other.command(write, block, 0).status(), "the new holder writes");
        }
        final CisternCli.Result restart = cluster.cistern(300, "node", "start", "node-1");
        assertEquals(0, restart.exit(), restart.output());
        try (IscsiInitiator again = IscsiInitiator.login(3260 + PORT_OFFSET, "iqn.2026-12.io.cistern.test:holder", target))
        {
            assertEquals(0x18, again.command(write, block, 0).status(), "the preempted initiator is fenced on its node too");
            final IscsiInitiator.Response keys = again.command(prIn(0), null, 64);
            assertEquals(8, ByteBuffer.wrap(keys.data()).getInt(4), "one registration left");
            assertEquals(0xbbbb, ByteBuffer.wrap(keys.data()).getLong(8));
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
}
