package io.cistern.journal.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replicated journal under Pekko Persistence: three voters (and a listener) in one JVM, each an
 * actor system with its own Raft member, talking over loopback.
 */
@Timeout(180)
class ReplicatedJournalTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ActorTestKit> members = new LinkedHashMap<>();

    @AfterEach
    void stop()
    {
        members.values().forEach(ActorTestKit::shutdownTestKit);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private ActorTestKit start(final String name)
    {
        final StringBuilder voters = new StringBuilder();
        for (final String voter : List.of("a", "b", "c"))
        {
            voters.append("{ name = ").append(voter).append(", address = \"127.0.0.1:").append(ports.get(voter)).append("\" }\n");
        }
        final Config config = ConfigFactory.parseString(
                "pekko.actor.provider = local\n" +
                "pekko.loglevel = WARNING\n" +
                "pekko.persistence.journal.plugin = cistern-raft-journal\n" +
                "pekko.persistence.snapshot-store.plugin = cistern-raft-snapshot-store\n" +
                "cistern.replicated-journal {\n" +
                "  self = " + name + "\n" +
                "  address = \"127.0.0.1:" + ports.get(name) + "\"\n" +
                "  dir = \"" + dir.resolve(name) + "\"\n" +
                "  voters = [" + voters + "]\n" +
                "  cluster = test\n" +
                "  election-timeout = 1s\n" +
                "  snapshot-every = 20\n" +
                "}\n")
            .withFallback(ConfigFactory.load());
        final ActorTestKit kit = ActorTestKit.create("journal-" + name, config);
        members.put(name, kit);
        ReplicatedJournal.log(Adapter.toClassic(kit.system())); // a member takes part from its start, as a node's does
        return kit;
    }

    private static String ask(final ActorTestKit kit, final ActorRef<Appender.Command> entity,
                              final java.util.function.Function<ActorRef<String>, Appender.Command> command)
    {
        final TestProbe<String> probe = kit.createTestProbe();
        entity.tell(command.apply(probe.ref()));
        return probe.receiveMessage(PATIENCE);
    }

    private static RaftReadJournal queries(final ActorTestKit kit)
    {
        return PersistenceQuery.get(Adapter.toClassic(kit.system())).getReadJournalFor(RaftReadJournal.class,
            RaftReadJournal.IDENTIFIER);
    }

    @Test
    void eventsWrittenOnOneMemberAreReplayedAndFollowedOnTheOthersAndSurviveTheLeader() throws Exception
    {
        for (final String name : List.of("a", "b", "c", "d"))
        {
            ports.put(name, freePort());
        }
        final ActorTestKit a = start("a");
        final ActorTestKit b = start("b");
        final ActorTestKit c = start("c");

        // Written through a; four events, so a snapshot was taken after the third.
        ActorRef<Appender.Command> onA = a.spawn(Appender.create("e1"));
        for (final String text : List.of("w", "x", "y"))
        {
            ask(a, onA, replyTo -> new Appender.Append(text, replyTo));
        }
        assertEquals("wxyz", ask(a, onA, replyTo -> new Appender.Append("z", replyTo)));
        a.stop(onA);

        // Recovered on b from b's own copy (snapshot, then the event after it).
        final ActorRef<Appender.Command> onB = b.spawn(Appender.create("e1"));
        assertEquals("wxyz", ask(b, onB, Appender.Get::new));
        b.stop(onB);

        // Followed live on c, with offsets in commit order.
        final List<EventEnvelope> seen = queries(c).eventsByTag(Appender.TAG, Offset.noOffset()).take(4)
            .runWith(Sink.seq(), c.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(List.of("w", "x", "y", "z"), seen.stream().map(EventEnvelope::event).toList());
        final List<Long> offsets = new ArrayList<>();
        seen.forEach(e -> offsets.add(((Sequence) e.offset()).value()));
        assertEquals(offsets.stream().sorted().toList(), offsets);

        // The leader goes; the two left elect another and keep every event.
        final String leader = ReplicatedJournal.log(Adapter.toClassic(a.system())).leader().orElseThrow();
        members.remove(leader).shutdownTestKit();
        final String survivor = members.keySet().iterator().next();
        final ActorTestKit kit = members.get(survivor);
        final long before = System.nanoTime();
        final ActorRef<Appender.Command> onSurvivor = kit.spawn(Appender.create("e1"));
        assertEquals("wxyzv", ask(kit, onSurvivor, replyTo -> new Appender.Append("v", replyTo)));
        System.out.printf("write after the leader (%s) stopped: %d ms%n", leader, (System.nanoTime() - before) / 1_000_000);

        // The member that led comes back on its own folder: its store is on disk where it left it, and
        // the log brings it the event it missed.
        final ActorTestKit back = start(leader);
        final List<EventEnvelope> onBack = queries(back).currentEventsByPersistenceId("e1", 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), back.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(List.of("w", "x", "y", "z", "v"), onBack.stream().map(EventEnvelope::event).toList());

        // A member that is not a voter joins as a listener, catches up and answers queries from its own copy.
        final ActorTestKit d = start("d");
        // A current query reads after a barrier, so it sees every event committed before it was asked.
        final List<EventEnvelope> onD = queries(d).currentEventsByPersistenceId("e1", 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), d.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(List.of("w", "x", "y", "z", "v"), onD.stream().map(EventEnvelope::event).toList());
        final Optional<String> dLeader = ReplicatedJournal.log(Adapter.toClassic(d.system())).leader();
        assertTrue(dLeader.isPresent() && !dLeader.get().equals("d"), "d follows, it does not lead: " + dLeader);
    }
}
