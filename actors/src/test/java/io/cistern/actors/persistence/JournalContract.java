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
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @BeforeEach
    void startSystem() throws Exception
    {
        final Config config = ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
            .withFallback(JournalConfig.of(journal()))
            .withFallback(ConfigFactory.load());
        testKit = ActorTestKit.create("journal-contract", config);
        SchemaUtils.createIfNotExists(testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
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

        final ActorRef<PoolView.Command> view = testKit.spawn(PoolView.create(
            PersistenceQuery.get(testKit.system()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())));
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

    private static DriveHealth healthOf(final List<DriveStatus> drives, final String id)
    {
        return drives.stream().filter(d -> d.id().equals(id)).map(DriveStatus::health).findFirst().orElse(null);
    }
}
