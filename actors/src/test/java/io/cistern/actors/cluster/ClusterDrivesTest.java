package io.cistern.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.node.NodeGuardian;
import io.cistern.actors.persistence.JournalConfig;
import io.cistern.config.HealthSettings;
import io.cistern.config.JournalSettings;
import io.cistern.config.FaultDomainLevel;
import io.cistern.config.MediaType;
import io.cistern.config.VolumeSettings;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three cluster members in one JVM, each with two drives: every Drive entity runs on the member that
 * has the drive; a downed member's drives become LOST_COMMUNICATION (persisted, seen by the pool view
 * of a surviving member); when the member returns, its drives are HEALTHY again and move back to it. A
 * drive joins a running member, and one that is another member's is refused without stopping it.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterDrivesTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final HealthSettings HEALTH = new HealthSettings(Duration.ofMillis(500), Duration.ofSeconds(5));
    private static final JournalSettings JOURNAL =
        new JournalSettings(JournalSettings.Kind.H2, "jdbc:h2:mem:cluster-drives;DB_CLOSE_DELAY=-1", "cistern", "cistern", 4);

    @JUnit5TestKit
    ActorTestKit first = new JUnit5TestKitBuilder().withName("cistern").withCustomConfig(memberConfig("node-1")).build();

    private final List<ActorTestKit> others = new ArrayList<>();

    private static Config memberConfig(final String name)
    {
        return ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n" +
                "pekko.loglevel = INFO\n" +
                "pekko.remote.artery.canonical.hostname = 127.0.0.1\n" +
                "pekko.remote.artery.canonical.port = 0\n" +
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n" +
                "pekko.cluster.roles = [\"cistern-node=" + name + "\"]\n" +
                "pekko.cluster.sharding.rebalance-interval = 1s\n" +
                "pekko.cluster.sharding.handoff-timeout = 10s\n" +
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n" +
                // The last member out leaves a cluster of one and hands off its shards; on a loaded
                // 2-core CI machine that took longer than the testkit's default 10 s.
                "pekko.actor.testkit.typed.system-shutdown-default = 60s\n" +
                "jdbc-read-journal.refresh-interval = 200ms\n")
            .withFallback(JournalConfig.of(JOURNAL))
            .withFallback(ConfigFactory.load());
    }

    /** A member: its test kit, guardian and drives. */
    private record Member(String name, ActorTestKit kit, ActorRef<NodeGuardian.Command> guardian, List<DriveInfo> drives)
    {
        String address()
        {
            return kit.system().address().toString();
        }
    }

    private Member start(final ActorTestKit kit, final String name, final List<String> driveIds)
    {
        final ActorSystem<?> system = kit.system();
        final String address = Cluster.get(system).selfMember().address().toString();
        final List<DriveInfo> drives = new ArrayList<>();
        for (final String id : driveIds)
        {
            drives.add(new DriveInfo(id, name, address, "/drives/" + name + "/" + id, MediaType.SSD, 1L << 30, name));
        }
        final ActorRef<NodeGuardian.Command> guardian = kit.spawn(NodeGuardian.create(drives,
            sys -> PersistenceQuery.get(sys).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier()), HEALTH,
            new VolumeSettings(1L << 20, FaultDomainLevel.NODE)));
        Cluster.get(system).manager().tell(Join.create(Cluster.get(first.system()).selfMember().address()));
        guardian.tell(new NodeGuardian.JournalReady());
        return new Member(name, kit, guardian, drives);
    }

    private ActorTestKit another(final String name)
    {
        final ActorTestKit kit = ActorTestKit.create("cistern", memberConfig(name));
        others.add(kit);
        return kit;
    }

    private static List<String> ids(final int n)
    {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            ids.add(UUID.randomUUID().toString());
        }
        return ids;
    }

    @AfterEach
    void stopOthers()
    {
        others.forEach(ActorTestKit::shutdownTestKit);
    }

    @Test
    void drivesLiveOnTheirNodesAreLostWithThemAndComeBack() throws Exception
    {
        SchemaUtils.createIfNotExists(first.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        final Member one = start(first, "node-1", ids(2));
        final Member two = start(another("node-2"), "node-2", ids(2));
        final List<String> threesDrives = ids(2);
        final Member three = start(another("node-3"), "node-3", threesDrives);
        final List<Member> members = List.of(one, two, three);

        for (final Member member : members)
        {
            awaitReady(member);
        }
        for (final Member member : members)
        {
            for (final DriveInfo drive : member.drives())
            {
                awaitRunningOn(drive.id(), member.address());
            }
        }
        awaitHealth(one, three.drives(), DriveHealth.HEALTHY);

        // A drive joins node-2 while it runs: answered once it is registered and pinned there, seen by node-1's view.
        final DriveInfo joined = new DriveInfo(UUID.randomUUID().toString(), "node-2", two.address(), "/drives/node-2/joined",
            MediaType.HDD, 1L << 29, "node-2");
        final TestProbe<StatusReply<DriveStatus>> join = two.kit().createTestProbe();
        two.guardian().tell(new NodeGuardian.AddDrive(joined, join.ref()));
        final StatusReply<DriveStatus> accepted = join.receiveMessage(PATIENCE);
        assertTrue(accepted.isSuccess(), "joined: " + accepted);
        assertEquals(joined, accepted.getValue().info());
        awaitRunningOn(joined.id(), two.address());
        awaitHealth(one, List.of(joined), DriveHealth.HEALTHY);
        awaitReady(two);

        // A drive that is another node's (a copied directory) is refused, and the node it tried to join keeps running.
        final DriveInfo copied = new DriveInfo(joined.id(), "node-1", one.address(), "/drives/node-1/copy", MediaType.HDD, 1L << 29,
            "node-1");
        final TestProbe<StatusReply<DriveStatus>> refusal = first.createTestProbe();
        one.guardian().tell(new NodeGuardian.AddDrive(copied, refusal.ref()));
        final StatusReply<DriveStatus> refused = refusal.receiveMessage(PATIENCE);
        assertTrue(refused.isError(), "a copy of node-2's drive joined node-1: " + refused);
        assertTrue(refused.getError().getMessage().contains("node-2"), refused.getError().getMessage());
        awaitReady(one);
        awaitRunningOn(joined.id(), two.address());

        // Down node-3: its drives are reported lost, in the journal, as node-1's view shows.
        Cluster.get(first.system()).manager().tell(new Down(Cluster.get(three.kit().system()).selfMember().address()));
        three.kit().shutdownTestKit();
        awaitHealth(one, three.drives(), DriveHealth.LOST_COMMUNICATION);
        awaitHealth(one, two.drives(), DriveHealth.HEALTHY);

        // node-3 returns (a new incarnation): its drives are healthy again and their entities move home.
        final Member back = start(another("node-3"), "node-3", threesDrives);
        awaitReady(back);
        awaitHealth(one, back.drives(), DriveHealth.HEALTHY);
        for (final DriveInfo drive : back.drives())
        {
            awaitRunningOn(drive.id(), back.address());
        }
    }

    private void awaitReady(final Member member)
    {
        final TestProbe<NodeGuardian.Readiness> probe = member.kit().createTestProbe();
        probe.awaitAssert(PATIENCE, Duration.ofMillis(250), () ->
        {
            member.guardian().tell(new NodeGuardian.GetReadiness(probe.ref()));
            final NodeGuardian.Readiness readiness = probe.receiveMessage(Duration.ofSeconds(3));
            assertTrue(readiness.ready(), member.name() + " not ready: " + readiness);
            assertEquals(MemberStatus.up(), Cluster.get(member.kit().system()).selfMember().status());
            return null;
        });
    }

    private void awaitRunningOn(final String driveId, final String address)
    {
        final TestProbe<StatusReply<Drive.DriveReport>> probe = first.createTestProbe();
        probe.awaitAssert(PATIENCE, Duration.ofMillis(250), () ->
        {
            ClusterSharding.get(first.system()).entityRefFor(Drive.ENTITY_TYPE_KEY, driveId).tell(new Drive.GetStatus(probe.ref()));
            final StatusReply<Drive.DriveReport> reply = probe.receiveMessage(Duration.ofSeconds(5));
            assertEquals(address, reply.getValue().runningOn(), "drive " + driveId);
            return null;
        });
    }

    private void awaitHealth(final Member observer, final List<DriveInfo> drives, final DriveHealth health)
    {
        final TestProbe<List<DriveStatus>> probe = observer.kit().createTestProbe();
        probe.awaitAssert(PATIENCE, Duration.ofMillis(250), () ->
        {
            observer.guardian().tell(new NodeGuardian.GetDrives(probe.ref()));
            final List<DriveStatus> seen = probe.receiveMessage(Duration.ofSeconds(3));
            for (final DriveInfo drive : drives)
            {
                final DriveHealth actual = seen.stream().filter(s -> s.id().equals(drive.id()))
                    .map(DriveStatus::health).findFirst().orElse(null);
                assertEquals(health, actual, "drive " + drive.id() + " of " + drive.node());
            }
            return null;
        });
    }
}
