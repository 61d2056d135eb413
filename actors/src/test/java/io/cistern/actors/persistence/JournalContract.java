package io.cistern.actors.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.actors.Samples;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.pool.PoolView;
import io.cistern.config.JournalSettings;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Cistern needs from a journal, run against every database it supports: events of a drive survive
 * the entity's restart, Kryo's bytes go in and come out, and the tagged event stream feeds the pool view.
 */
@Timeout(120)
abstract class JournalContract
{
    private ActorTestKit testKit;

    /** The journal under test. */
    abstract JournalSettings journal();

    /** Pekko's settings for the journal under test. */
    Config journalConfig()
    {
        return JournalConfig.of(journal());
    }

    /** Readies the journal in a started system: a database's tables. */
    void prepare(final ActorTestKit kit) throws Exception
    {
        SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startSystem() throws Exception
    {
        final Config config = ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
            .withFallback(journalConfig())
            .withFallback(ConfigFactory.load());
        testKit = ActorTestKit.create("journal-contract", config);
        prepare(testKit);
    }

    @AfterEach
    void stopSystem()
    {
        testKit.shutdownTestKit();
    }

    private DriveStatus ask(final String id, final java.util.function.Function<ActorRef<StatusReply<DriveStatus>>, Drive.Command> command)
    {
        final ActorRef<Drive.Command> drive = testKit.spawn(Drive.create(id));
        final TestProbe<StatusReply<DriveStatus>> probe = testKit.createTestProbe();
        drive.tell(command.apply(probe.ref()));
        final StatusReply<DriveStatus> reply = probe.receiveMessage(Duration.ofSeconds(30));
        testKit.stop(drive);
        return reply.getValue();
    }

    @Test
    void aDriveRemembersItsHistoryAcrossRestarts()
    {
        final String id = UUID.randomUUID().toString();
        final DriveInfo info = Samples.driveInfo(id, "node-1");

        assertEquals(DriveHealth.HEALTHY, ask(id, replyTo -> new Drive.Register(info, 1L, replyTo)).health());
        // Each ask runs a fresh incarnation of the entity, which must recover what came before.
        assertEquals(DriveHealth.LOST_COMMUNICATION,
            ask(id, replyTo -> new Drive.ReportLostCommunication(1L, "node-1 left", replyTo)).health());
        final DriveStatus recovered = ask(id, replyTo -> new Drive.ReportLostCommunication(1L, "again", replyTo));
        assertEquals(DriveHealth.LOST_COMMUNICATION, recovered.health());
        assertEquals("node-1 left", recovered.detail(), "the second report found the drive already lost");
        assertEquals(info, recovered.info());
    }

    @Test
    void thePoolViewFollowsTheTaggedEvents()
    {
        final String healthy = UUID.randomUUID().toString();
        final String lost = UUID.randomUUID().toString();
        ask(healthy, replyTo -> new Drive.Register(Samples.driveInfo(healthy, "node-1"), 1L, replyTo));
        ask(lost, replyTo -> new Drive.Register(Samples.driveInfo(lost, "node-2"), 2L, replyTo));
        ask(lost, replyTo -> new Drive.ReportLostCommunication(2L, "node-2 left", replyTo));

        final ActorRef<PoolView.Command> view = testKit.spawn(PoolView.create(JournalQueries.of(testKit.system()).byTag()));
        final TestProbe<List<DriveStatus>> probe = testKit.createTestProbe();
        probe.awaitAssert(Duration.ofSeconds(30), () ->
        {
            view.tell(new PoolView.GetDrives(probe.ref()));
            final List<DriveStatus> drives = probe.receiveMessage();
            assertEquals(DriveHealth.HEALTHY, healthOf(drives, healthy));
            assertEquals(DriveHealth.LOST_COMMUNICATION, healthOf(drives, lost));
            return null;
        });
    }

    @Test
    void snapshotsAndDeletesLeaveTheStateWhole() throws Exception
    {
        final String id = "tally-" + UUID.randomUUID();
        final ActorRef<Tally.Command> first = testKit.spawn(Tally.create(id));
        final TestProbe<String> probe = testKit.createTestProbe();
        for (final String letter : List.of("a", "b", "c", "d", "e", "f", "g"))
        {
            first.tell(new Tally.Append(letter, probe.ref()));
            probe.receiveMessage(Duration.ofSeconds(30));
        }
        testKit.stop(first);

        // The events the snapshot at 6 covers are deleted (all but one snapshot's worth), so only the
        // snapshot can bring "abc" back.
        probe.awaitAssert(Duration.ofSeconds(30), () ->
        {
            final List<Long> left = JournalQueries.of(testKit.system()).byEntity()
                .currentEventsByPersistenceId(id, 0, Long.MAX_VALUE)
                .map(org.apache.pekko.persistence.query.EventEnvelope::sequenceNr)
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), testKit.system())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(7L, left.get(left.size() - 1));
            assertTrue(left.get(0) > 1, "events covered by a snapshot were deleted: " + left);
            return null;
        });
        final ActorRef<Tally.Command> second = testKit.spawn(Tally.create(id));
        second.tell(new Tally.Get(probe.ref()));
        assertEquals("abcdefg", probe.receiveMessage(Duration.ofSeconds(30)));
        // Sequence numbers go on after the deleted ones.
        second.tell(new Tally.Append("h", probe.ref()));
        assertEquals("abcdefgh", probe.receiveMessage(Duration.ofSeconds(30)));
    }

    private static DriveHealth healthOf(final List<DriveStatus> drives, final String id)
    {
        return drives.stream().filter(d -> d.id().equals(id)).map(DriveStatus::health).findFirst().orElse(null);
    }
}
