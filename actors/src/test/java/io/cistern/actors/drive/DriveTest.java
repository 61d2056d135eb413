package io.cistern.actors.drive;

import io.cistern.actors.Samples;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestKitJUnit5Extension.class)
class DriveTest
{
    private static final String ID = "0d8c6a57-1b2c-4d5e-8f90-123456789abc";
    private static final DriveInfo ON_NODE_1 = Samples.driveInfo(ID, "node-1");

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(EventSourcedBehaviorTestKit.config()).build();

    private EventSourcedBehaviorTestKit<Drive.Command, Drive.Event, Drive.State> drive;

    @BeforeEach
    void setUp()
    {
        drive = EventSourcedBehaviorTestKit.create(testKit.system(),
            Drive.create(ID, Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC)));
        drive.clear();
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Drive.Command, Drive.Event, Drive.State, StatusReply<DriveStatus>>
        register(final DriveInfo info, final long incarnation)
    {
        return drive.runCommand(replyTo -> new Drive.Register(info, incarnation, replyTo));
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Drive.Command, Drive.Event, Drive.State, StatusReply<DriveStatus>>
        lose(final long incarnation, final String reason)
    {
        return drive.runCommand(replyTo -> new Drive.ReportLostCommunication(incarnation, reason, replyTo));
    }

    @Test
    void registersAsHealthy()
    {
        final var result = register(ON_NODE_1, 11L);

        assertEquals(new Drive.Registered(ON_NODE_1, 11L, 5_000), result.event());
        final DriveStatus status = result.reply().getValue();
        assertEquals(DriveHealth.HEALTHY, status.health());
        assertEquals(11L, status.incarnation());
        assertEquals(new Drive.Known(status), result.state());
    }

    @Test
    void aRetriedRegistrationJournalsNothing()
    {
        register(ON_NODE_1, 11L);
        final var again = register(ON_NODE_1, 11L);
        assertTrue(again.hasNoEvents());
        assertTrue(again.reply().isSuccess());
    }

    @Test
    void refusesTheSameDriveFromAnotherNode()
    {
        register(ON_NODE_1, 11L);
        final var copy = register(Samples.driveInfo(ID, "node-2"), 22L);

        assertTrue(copy.hasNoEvents());
        assertTrue(copy.reply().isError());
        final String why = copy.reply().getError().getMessage();
        assertTrue(why.contains("is already registered to node node-1"), why);
        assertEquals("node-1", ((Drive.Known)copy.state()).status().info().node());
    }

    @Test
    void becomesLostWhenItsNodeIncarnationLeaves()
    {
        register(ON_NODE_1, 11L);
        final var lost = lose(11L, "node-1 left");

        assertEquals(new Drive.CommunicationLost(11L, "node-1 left", 5_000), lost.event());
        assertEquals(DriveHealth.LOST_COMMUNICATION, lost.reply().getValue().health());
        assertEquals("node-1 left", lost.reply().getValue().detail());
    }

    @Test
    void ignoresALateReportAboutAnOlderIncarnation()
    {
        register(ON_NODE_1, 11L);
        register(ON_NODE_1, 12L); // the node restarted and registered again
        final var late = lose(11L, "old node-1 left");

        assertTrue(late.hasNoEvents());
        assertEquals(DriveHealth.HEALTHY, late.reply().getValue().health());
    }

    @Test
    void recoversHealthWhenItsNodeReturns()
    {
        register(ON_NODE_1, 11L);
        lose(11L, "node-1 left");
        final var back = register(ON_NODE_1, 12L);

        assertEquals(DriveHealth.HEALTHY, back.reply().getValue().health());
        assertEquals(12L, back.reply().getValue().incarnation());
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Drive.Command, Drive.Event, Drive.State, StatusReply<DriveStatus>>
        fail(final long incarnation, final String reason)
    {
        return drive.runCommand(replyTo -> new Drive.ReportFailed(incarnation, reason, replyTo));
    }

    @Test
    void aFailureReportMakesItUnhealthyUntilItsNodeRestarts()
    {
        register(ON_NODE_1, 11L);
        final var failed = fail(11L, "a probe write failed");

        assertEquals(new Drive.Failed(11L, "a probe write failed", 5_000), failed.event());
        assertEquals(DriveHealth.UNHEALTHY, failed.reply().getValue().health());
        assertEquals("failed: a probe write failed", failed.reply().getValue().detail());
        assertTrue(fail(11L, "again").hasNoEvents(), "failed once is enough");
        final var retried = register(ON_NODE_1, 11L);
        assertTrue(retried.hasNoEvents());
        assertEquals(DriveHealth.UNHEALTHY, retried.reply().getValue().health(), "a retried registration does not heal it");

        final var restarted = register(ON_NODE_1, 12L);
        assertEquals(DriveHealth.HEALTHY, restarted.reply().getValue().health(), "a new incarnation tests the drive again");
        final var late = fail(11L, "a late report about the old incarnation");
        assertTrue(late.hasNoEvents());
        assertEquals(DriveHealth.HEALTHY, late.reply().getValue().health());
    }

    @Test
    void aRetiredDriveStaysRetiredThroughRestartsAndFailures()
    {
        register(ON_NODE_1, 11L);
        final var retired = drive.runCommand((org.apache.pekko.actor.typed.ActorRef<StatusReply<DriveStatus>> replyTo) ->
            new Drive.Retire("replacing it", replyTo));

        assertEquals(new Drive.Retired("replacing it", 5_000), retired.event());
        assertEquals(DriveHealth.RETIRED, retired.reply().getValue().health());
        assertTrue(fail(11L, "I/O error").hasNoEvents(), "a retired drive does not become unhealthy");
        assertEquals(DriveHealth.RETIRED, register(ON_NODE_1, 12L).reply().getValue().health());
    }

    @Test
    void survivesARestart()
    {
        register(ON_NODE_1, 11L);
        lose(11L, "node-1 left");
        final var restarted = drive.restart();
        assertEquals(DriveHealth.LOST_COMMUNICATION, ((Drive.Known)restarted.state()).status().health());
    }

    @Test
    void answersThatAnUnknownDriveIsNotRegistered()
    {
        final var status = drive.runCommand(Drive.GetStatus::new);
        assertTrue(status.reply().isError());
        assertEquals("drive is not registered", status.reply().getError().getMessage());
    }

    @Test
    void reportsWhereItRuns()
    {
        register(ON_NODE_1, 11L);
        final var report = drive.runCommand(Drive.GetStatus::new);
        assertEquals(testKit.system().address().toString(), report.reply().getValue().runningOn());
    }
}
