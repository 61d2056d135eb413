package io.cistern.actors.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.pool.PoolView;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.JournalSettings;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upgrades keep the journal: a journal recorded from a real cluster (three nodes; a thin mirror-3 and a
 * fixed mirror-2 volume written through NBD; a node killed and resynced; a drive retired and rebuilt; a
 * resize; a forced delete) is replayed by this version's entities and pool view, which must reach what
 * the cluster's API said when it was recorded (expected.txt beside it). Events and snapshots are an
 * append-only format: a change that cannot read this fixture cannot ship. A later format change adds a
 * fixture of its own and keeps this one.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalFixtureTest
{
    private static final String FIXTURE = "/journal-fixture/2026-11-28";
    private static final String URL = "jdbc:h2:mem:journal-fixture;DB_CLOSE_DELAY=-1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ActorTestKit testKit;
    private List<String> expected;

    @BeforeAll
    void replayable() throws Exception
    {
        final Config config = ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
            .withFallback(JournalConfig.of(new JournalSettings(JournalSettings.Kind.H2, URL, "cistern", "cistern", 4)))
            .withFallback(ConfigFactory.load());
        testKit = ActorTestKit.create("journal-fixture", config);
        SchemaUtils.createIfNotExists(testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        try (Connection connection = DriverManager.getConnection(URL, "cistern", "cistern"))
        {
            assertEquals(298, JournalFixture.load(connection, FIXTURE), "rows loaded: 149 events and their 149 tags");
        }
        try (InputStream in = getClass().getResourceAsStream(FIXTURE + "/expected.txt"))
        {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }

    @AfterAll
    void stop()
    {
        testKit.shutdownTestKit();
    }

    private List<String> expected(final String kind)
    {
        return expected.stream().filter(line -> line.startsWith(kind + " ")).toList();
    }

    private <T> T ask(final ActorRef<?> entity, final java.util.function.Function<ActorRef<StatusReply<T>>, Object> command)
    {
        final TestProbe<StatusReply<T>> probe = testKit.createTestProbe();
        @SuppressWarnings("unchecked")
        final ActorRef<Object> target = (ActorRef<Object>)entity;
        target.tell(command.apply(probe.ref()));
        final StatusReply<T> reply = probe.receiveMessage(WAIT);
        assertTrue(reply.isSuccess(), () -> "the entity answered " + reply.getError());
        return reply.getValue();
    }

    private static String extents(final SlabLayout layout)
    {
        return layout.extents().stream().map(e -> e.copy() + ":" + e.driveId() + ":" + e.node() + ":" + e.state())
            .collect(Collectors.joining(" "));
    }

    @Test
    void everyDriveReplaysToTheHealthItHad()
    {
        final List<String> drives = new ArrayList<>();
        for (final String line : expected("drive"))
        {
            final String id = line.split(" ")[1];
            final ActorRef<Drive.Command> drive = testKit.spawn(Drive.create(id));
            final Drive.DriveReport report = ask(drive, replyTo -> new Drive.GetStatus(replyTo.unsafeUpcast()));
            final DriveStatus status = report.status();
            drives.add("drive " + id + " " + status.info().node() + " " + status.health());
            testKit.stop(drive);
        }
        assertEquals(expected("drive"), drives);
    }

    @Test
    void theVolumeAndItsSlabsReplayToTheirLayoutsAndTheDeletedVolumeStaysDeleted()
    {
        final String[] volume = expected("volume").get(0).split(" ");
        final ActorRef<Volume.Command> entity = testKit.spawn(Volume.create(volume[1], Clock.systemUTC()));
        final VolumeInfo info = ask(entity, replyTo -> new Volume.Get(replyTo.unsafeUpcast()));
        assertEquals(String.join(" ", volume), "volume " + info.name() + " " + Long.toHexString(info.volumeId()) + " " +
            info.sizeBytes() + " " + info.resiliency().label() + " " + info.provisioning().name().toLowerCase() + " " +
            info.slabSizeBytes());

        final List<String> slabs = new ArrayList<>();
        for (int index = 0; index < info.slabCount(); index++)
        {
            final ActorRef<Slab.Command> slab = testKit.spawn(Slab.create(Slab.entityId(info.volumeId(), index)));
            final TestProbe<StatusReply<SlabLayout>> probe = testKit.createTestProbe();
            slab.tell(new Slab.GetLayout(probe.ref()));
            final StatusReply<SlabLayout> reply = probe.receiveMessage(WAIT);
            if (reply.isSuccess())
            {
                slabs.add("slab " + Long.toHexString(info.volumeId()) + " " + index + " epoch=" + reply.getValue().epoch() + " " +
                    extents(reply.getValue()));
            }
            testKit.stop(slab);
        }
        assertEquals(expected("slab"), slabs, "placed slabs, their epochs and copies");

        for (final String line : expected("absent-volume"))
        {
            final ActorRef<Volume.Command> deleted = testKit.spawn(Volume.create(line.split(" ")[1], Clock.systemUTC()));
            final TestProbe<StatusReply<VolumeInfo>> probe = testKit.createTestProbe();
            deleted.tell(new Volume.Get(probe.ref()));
            assertTrue(probe.receiveMessage(WAIT).isError(), line + ": a deleted volume replays as deleted");
        }
    }

    @Test
    void thePoolViewFoldsTheTaggedEventsToTheSamePool()
    {
        final ActorRef<PoolView.Command> view = testKit.spawn(PoolView.create(
            PersistenceQuery.get(testKit.system()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())));
        final TestProbe<List<DriveStatus>> drives = testKit.createTestProbe();
        drives.awaitAssert(WAIT, () ->
        {
            view.tell(new PoolView.GetDrives(drives.ref()));
            final TreeSet<String> seen = new TreeSet<>();
            for (final DriveStatus status : drives.receiveMessage())
            {
                seen.add("drive " + status.info().id() + " " + status.info().node() + " " + status.health());
            }
            assertEquals(new TreeSet<>(expected("drive")), seen);
            return null;
        });
        // Each tag is its own stream: the drives being caught up says nothing of the volumes and slabs.
        final TestProbe<List<VolumeInfo>> volumes = testKit.createTestProbe();
        volumes.awaitAssert(WAIT, () ->
        {
            view.tell(new PoolView.GetVolumes(volumes.ref()));
            assertEquals(List.of("v-thin"), volumes.receiveMessage().stream().map(VolumeInfo::name).toList());
            return null;
        });
        final TestProbe<List<SlabLayout>> slabs = testKit.createTestProbe();
        final long volumeId = Long.parseUnsignedLong(expected("volume").get(0).split(" ")[2], 16);
        slabs.awaitAssert(WAIT, () ->
        {
            view.tell(new PoolView.GetSlabs(volumeId, slabs.ref()));
            assertEquals(expected("slab"), slabs.receiveMessage().stream()
                .sorted(java.util.Comparator.comparingInt(SlabLayout::index))
                .map(layout -> "slab " + Long.toHexString(volumeId) + " " + layout.index() + " epoch=" + layout.epoch() + " " +
                    extents(layout)).toList());
            return null;
        });
    }
}
