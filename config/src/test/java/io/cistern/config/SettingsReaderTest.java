package io.cistern.config;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsReaderTest
{
    @TempDir
    Path tmp;

    private CisternSettings read(final String hocon)
    {
        return SettingsReader.read(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    private List<String> problems(final String hocon)
    {
        return assertThrows(SettingsException.class, () -> read(hocon)).problems();
    }

    private String drive(final Path path)
    {
        return "{ path = \"" + path + "\" }";
    }

    @Test
    void readsDefaultsAndDrives() throws Exception
    {
        final Path d0 = Files.createDirectory(tmp.resolve("d0"));
        final Path d1 = Files.createDirectory(tmp.resolve("d1"));
        final CisternSettings settings = read("cistern.node.drives = [" + drive(d0) +
            ", { path = \"" + d1 + "\", media-type = nvme, capacity = 8G }]");

        assertEquals("node-1", settings.node().name());
        assertEquals("node-1", settings.node().faultDomain(), "the fault domain defaults to the node's name");
        assertEquals(List.of(new DriveSettings(d0, MediaType.SSD, 0), new DriveSettings(d1, MediaType.NVME, 8L << 30)),
            settings.node().drives());
        assertEquals(17355, settings.cluster().port());
        assertEquals(Duration.ofSeconds(7), settings.cluster().downUnreachableAfter());
        assertEquals(JournalSettings.Kind.REPLICATED, settings.journal().kind());
        assertEquals(9870, settings.journal().replication().port());
        assertEquals(List.of(), settings.journal().replication().voters(), "no voters: this node alone");
        assertEquals(AeronSettings.IdleStrategyName.BACKOFF, settings.aeron().idleStrategy());
        assertEquals(settings.node().dataDir().resolve("aeron"), settings.aeron().directory());
        assertEquals(new VolumeSettings(256L << 20, FaultDomainLevel.NODE), settings.volume());
        assertEquals(1, settings.repair().concurrency());
        assertEquals(64L << 20, settings.repair().bandwidthPerJob());
    }

    @Test
    void aDriveJoiningARunningNodeIsCheckedAsTheConfigurationsDrivesAre() throws Exception
    {
        final Path d2 = Files.createDirectory(tmp.resolve("d2"));
        assertEquals(new DriveSettings(d2, MediaType.HDD, 1L << 30), SettingsReader.readDrive("drive",
            ConfigFactory.parseString("{\"path\": \"" + d2 + "\", \"media-type\": \"hdd\", \"capacity\": \"1G\"}"), MediaType.SSD));
        assertEquals(new DriveSettings(d2, MediaType.PMEM, 0),
            SettingsReader.readDrive("drive", ConfigFactory.parseString("path = \"" + d2 + "\""), MediaType.PMEM),
            "no media type: the node's default");

        final List<String> problems = assertThrows(SettingsException.class, () -> SettingsReader.readDrive("drive",
            ConfigFactory.parseString("{ path = \"" + tmp.resolve("gone") + "\", media-type = tape, capacity = lots }"), MediaType.SSD))
            .problems();
        assertEquals(List.of("drive.path=" + tmp.resolve("gone") + ": does not exist",
            "drive.media-type=tape: must be one of nvme, ssd, hdd, pmem",
            "drive.capacity=lots: must be a size in bytes with an optional K, M, G or T suffix (binary units), e.g. 8G"), problems);
        assertEquals(List.of("drive.path=(missing): every drive needs a path"), assertThrows(SettingsException.class,
            () -> SettingsReader.readDrive("drive", ConfigFactory.parseString("media-type = ssd"), MediaType.SSD)).problems());
    }

    @Test
    void concurrentRepairJobsShareTheNodesBandwidth() throws Exception
    {
        final CisternSettings settings = read("cistern.node.drives = [" + drive(Files.createDirectory(tmp.resolve("d0"))) + "]\n" +
            "cistern.repair.concurrency = 4\ncistern.repair.bandwidth = 100M");
        assertEquals(25L << 20, settings.repair().bandwidthPerJob());
        assertEquals(List.of("cistern.repair.concurrency=0: must be between 1 and 16"), problems("cistern.repair.concurrency = 0"));
    }

    @Test
    void chapNeedsAUserAndASecretOfAtLeastTwelveCharacters() throws Exception
    {
        assertEquals(List.of("cistern.iscsi.chap.secret=(5 characters): must be 12 to 255 characters (RFC 7143 asks at least 96 bits of secret)"),
            problems("cistern.iscsi.chap { user = admin, secret = short }"));
        assertEquals(List.of("cistern.iscsi.chap.user=\"\": must be set when cistern.iscsi.chap.secret is"),
            problems("cistern.iscsi.chap.secret = \"a-long-enough-secret\""));
        assertEquals("admin", read("cistern.iscsi.chap { user = admin, secret = \"a-long-enough-secret\" }").iscsi().chap().user());
        assertTrue(read("").iscsi().chap() == null, "no CHAP by default");
    }

    @Test
    void aJmxConnectorBeyondLoopbackNeedsAPasswordFile() throws Exception
    {
        assertEquals(0, read("").jmx().port(), "no remote connector by default");
        assertEquals(9990, read("cistern.jmx.port = 9990").jmx().port());
        assertEquals(List.of("cistern.jmx.port=9990: a JMX connector on 10.0.0.5 (not loopback) needs cistern.jmx.password-file"),
            problems("cistern.node.host = \"10.0.0.5\"\ncistern.jmx.port = 9990\ncistern.api.token = \"0123456789abcdef\""),
            "not the API token: JMX is too much to open with it beyond loopback");
        assertEquals(List.of("cistern.jmx.password-file=" + tmp.resolve("none") + ": is not a readable file"),
            problems("cistern.jmx { port = 9990, password-file = \"" + tmp.resolve("none") + "\" }"));
        final Path file = Files.writeString(tmp.resolve("jmx.password"), "admin secret\n");
        assertEquals(file, read("cistern.node.host = \"10.0.0.5\"\ncistern.jmx { port = 9990, password-file = \"" + file + "\" }")
            .jmx().passwordFile());
        assertEquals(List.of("cistern.jmx.port=7626: is already used by cistern.management.port"), problems("cistern.jmx.port = 7626"));
    }

    @Test
    void anApiTokenIsLongAndPrintableAndAClusterIdFitsAHeader() throws Exception
    {
        assertNull(read("").api().token(), "no token by default: the API is open");
        assertNull(read("").cluster().id());
        assertEquals("0123456789abcdef-XYZ", read("cistern.api.token = \"0123456789abcdef-XYZ\"").api().token());
        assertEquals(List.of("cistern.api.token=(5 characters): a token is 16 or more letters, digits and . _ ~ + / - (then = padding)"),
            problems("cistern.api.token = \"short\""), "the value itself is not echoed");
        assertEquals(List.of("cistern.api.token=(20 characters): a token is 16 or more letters, digits and . _ ~ + / - (then = padding)"),
            problems("cistern.api.token = \"0123456789 abcdefghi\""));
        assertEquals("c0ffee-42", read("cistern.cluster.id = \"c0ffee-42\"").cluster().id());
        assertEquals(List.of("cistern.cluster.id=a b: an id is 1 to 64 letters, digits, '-' or '_'"),
            problems("cistern.cluster.id = \"a b\""));
    }

    @Test
    void rejectsMissingDrivePath()
    {
        final Path nope = tmp.resolve("nope");
        assertEquals(List.of("cistern.node.drives[0].path=" + nope + ": does not exist"),
            problems("cistern.node.drives = [" + drive(nope) + "]"));
    }

    @Test
    void namesTheIndexOfTheBadDrive() throws Exception
    {
        final Path ok = Files.createDirectory(tmp.resolve("ok"));
        assertEquals(List.of("cistern.node.drives[1].path=/nope: does not exist"),
            problems("cistern.node.drives = [" + drive(ok) + ", { path = \"/nope\" }]"));
    }

    @Test
    void rejectsDrivePathThatIsAFile() throws Exception
    {
        final Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals(List.of("cistern.node.drives[0].path=" + file + ": is not a directory"),
            problems("cistern.node.drives = [" + drive(file) + "]"));
    }

    @Test
    void rejectsDriveWithoutPathOrListedTwice() throws Exception
    {
        final Path d = Files.createDirectory(tmp.resolve("d"));
        assertEquals(List.of(
                "cistern.node.drives[0].path=(missing): every drive needs a path",
                "cistern.node.drives[2].path=" + d + ": is listed more than once"),
            problems("cistern.node.drives = [{ media-type = ssd }, " + drive(d) + ", " + drive(d) + "]"));
    }

    @Test
    void rejectsUnknownMediaType() throws Exception
    {
        final Path d = Files.createDirectory(tmp.resolve("d"));
        assertEquals(List.of("cistern.node.drives[0].media-type=floppy: must be one of nvme, ssd, hdd, pmem"),
            problems("cistern.node.drives = [{ path = \"" + d + "\", media-type = floppy }]"));
    }

    @Test
    void rejectsBadCapacity() throws Exception
    {
        final Path d = Files.createDirectory(tmp.resolve("d"));
        final List<String> bad = problems("cistern.node.drives = [{ path = \"" + d + "\", capacity = 8X }]");
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("cistern.node.drives[0].capacity=8X: must be a size in bytes"), bad.get(0));

        assertEquals(List.of("cistern.node.drives[0].capacity=0: must be a positive size such as 8G or 512M"),
            problems("cistern.node.drives = [{ path = \"" + d + "\", capacity = 0 }]"));
    }

    @Test
    void aMisspeltDriveFieldIsAProblemAndOvercommitNeedsACapacity() throws Exception
    {
        final Path d = Files.createDirectory(tmp.resolve("d"));
        assertEquals(List.of("cistern.node.drives[0].capcity=8G: is not a drive setting; a drive has path, media-type, capacity, overcommit"),
            problems("cistern.node.drives = [{ path = \"" + d + "\", capcity = 8G }]"));
        assertEquals(List.of("cistern.node.drives[0].overcommit=true: needs the drive's capacity: it offers that much whatever the " +
            "filesystem has"), problems("cistern.node.drives = [{ path = \"" + d + "\", overcommit = true }]"));
        assertTrue(read("cistern.node.drives = [{ path = \"" + d + "\", capacity = 8T, overcommit = true }]").node().drives().get(0)
            .overcommit());
    }

    @Test
    void rejectsPortsOutOfRangeOrNotNumbers()
    {
        assertEquals(List.of("cistern.management.port=70000: must be between 1 and 65535"),
            problems("cistern.management.port = 70000"));
        final List<String> notNumber = problems("cistern.nbd.port = ten");
        assertEquals(1, notNumber.size());
        assertTrue(notNumber.get(0).startsWith("cistern.nbd.port=ten: "), notNumber.get(0));
    }

    @Test
    void rejectsTwoServersOnOnePort()
    {
        assertEquals(List.of("cistern.nbd.port=7626: is already used by cistern.management.port"),
            problems("cistern.nbd.port = 7626"));
    }

    @Test
    void rejectsMalformedSeedNodes()
    {
        assertEquals(List.of("cistern.cluster.seed-nodes[1]=localhost: must be host:port with a port in 1-65535"),
            problems("cistern.cluster.seed-nodes = [\"127.0.0.1:17355\", \"localhost\"]"));
        assertEquals(List.of("cistern.cluster.seed-nodes=[]: needs at least one seed node (this node's own address starts a new cluster)"),
            problems("cistern.cluster.seed-nodes = []"));
    }

    @Test
    void rejectsJournalUrlOfAnotherKind()
    {
        assertEquals(List.of("cistern.journal.url=jdbc:h2:tcp://127.0.0.1:9092/cistern: a postgres journal needs a URL starting with jdbc:postgresql:"),
            problems("cistern.journal.kind = postgres"));
        assertEquals(List.of("cistern.journal.kind=mysql: must be one of replicated, h2, postgres"),
            problems("cistern.journal.kind = mysql"));
    }

    @Test
    void aJournalPortTakenByAnotherServerIsAProblemNotACrash()
    {
        assertEquals(List.of("cistern.journal.port=10809: is already used by cistern.nbd.port"),
            problems("cistern.journal.port = 10809"));
    }

    @Test
    void readsAndChecksTheJournalsVoters()
    {
        final CisternSettings settings = SettingsReader.read(ConfigFactory.parseString(
                "cistern.journal.voters = [\"node-1@127.0.0.1:9870\", \"node-2@127.0.0.2:9871\"]")
            .withFallback(ConfigFactory.defaultReference()));
        assertEquals(List.of(new JournalSettings.Voter("node-1", "127.0.0.1", 9870), new JournalSettings.Voter("node-2", "127.0.0.2", 9871)),
            settings.journal().replication().voters());
        assertEquals(List.of(
                "cistern.journal.voters[0]=127.0.0.1:9870: must be name@host:port (a node's name and its journal port)",
                "cistern.journal.voters[2]=a@h:2: names a twice"),
            problems("cistern.journal.voters = [\"127.0.0.1:9870\", \"a@h:1\", \"a@h:2\"]"));
    }

    @Test
    void rejectsBadEnumsAndDurations()
    {
        assertEquals(List.of("cistern.aeron.idle-strategy=spin-forever: must be one of backoff, yielding, sleeping, busy-spin"),
            problems("cistern.aeron.idle-strategy = spin-forever"));
        assertEquals(List.of("cistern.health.reconcile-interval=0s: must be a positive duration such as 5s or 500ms"),
            problems("cistern.health.reconcile-interval = 0s"));
        final List<String> notDuration = problems("cistern.cluster.down-unreachable-after = soon");
        assertTrue(notDuration.get(0).startsWith("cistern.cluster.down-unreachable-after=soon: "), notDuration.get(0));
    }

    @Test
    void rejectsSlabSizesThatAreNotWholeMebibytes()
    {
        assertEquals(List.of("cistern.volume.slab-size=1000K: must be a whole number of MiB, at most 64G"),
            problems("cistern.volume.slab-size = 1000K"));
        assertEquals(List.of("cistern.volume.fault-domain=rack: must be one of node, drive"),
            problems("cistern.volume.fault-domain = rack"));
    }

    @Test
    void rejectsBadNodeName()
    {
        assertEquals(List.of("cistern.node.name=node 1!: must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"),
            problems("cistern.node.name = \"node 1!\""));
    }

    @Test
    void reportsEveryProblemAtOnce()
    {
        final List<String> all = problems("cistern { management.port = 0, nbd.port = 0, journal.pool-size = 1000 }");
        assertEquals(3, all.size(), all.toString());
    }

    @Test
    void refusesAMissingFile()
    {
        final Path missing = tmp.resolve("missing.conf");
        final SettingsException ex = assertThrows(SettingsException.class, () -> SettingsReader.load(missing));
        assertEquals(List.of("--config=" + missing + ": no such file"), ex.problems());
    }

    @Test
    void refusesAFileThatIsNotHocon() throws Exception
    {
        final Path broken = Files.writeString(tmp.resolve("broken.conf"), "cistern { node { name = ");
        final SettingsException ex = assertThrows(SettingsException.class, () -> SettingsReader.load(broken));
        assertTrue(ex.problems().get(0).startsWith("--config=" + broken + ": "), ex.problems().toString());
    }
}
