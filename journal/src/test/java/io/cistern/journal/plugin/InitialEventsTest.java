package io.cistern.journal.plugin;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** First events written in bulk are what the entities recover, and never overwrite an entity's own. */
@Timeout(60)
class InitialEventsTest
{
    @TempDir
    Path dir;

    private ActorTestKit kit;

    @AfterEach
    void stop()
    {
        if (kit != null)
        {
            kit.shutdownTestKit();
        }
    }

    @Test
    void entitiesRecoverTheirBulkWrittenFirstEventAndOneThatHadEventsKeepsThem() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        kit = ActorTestKit.create("initial-events", ConfigFactory.parseString(
                "pekko.actor.provider = local\n" +
                "pekko.loglevel = WARNING\n" +
                "pekko.persistence.journal.plugin = cistern-raft-journal\n" +
                "pekko.persistence.snapshot-store.plugin = cistern-raft-snapshot-store\n" +
                "cistern.replicated-journal { self = solo, address = \"127.0.0.1:" + port + "\", dir = \"" + dir + "\"\n" +
                "  voters = [{ name = solo, address = \"127.0.0.1:" + port + "\" }], cluster = test, election-timeout = 1s,\n" +
                "  snapshot-every = 1000 }\n")
            .withFallback(ConfigFactory.load()));
        final TestProbe<String> probe = kit.createTestProbe();
        final ActorRef<Appender.Command> busy = kit.spawn(Appender.create("busy"));
        busy.tell(new Appender.Append("own", probe.ref()));
        assertEquals("own", probe.receiveMessage(Duration.ofSeconds(30)));

        final InitialEvents bulk = InitialEvents.of(Adapter.toClassic(kit.system())).orElseThrow();
        final List<Optional<String>> outcomes = bulk.write(List.of(
                new InitialEvents.Initial("fresh-1", "a", Set.of(Appender.TAG)),
                new InitialEvents.Initial("busy", "b", Set.of(Appender.TAG)),
                new InitialEvents.Initial("fresh-2", "c", Set.of(Appender.TAG))))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), outcomes.get(0));
        assertTrue(outcomes.get(1).isPresent(), "busy has an event of its own");
        assertEquals(Optional.empty(), outcomes.get(2));

        for (final String[] expect : new String[][] {{"fresh-1", "a"}, {"busy", "own"}, {"fresh-2", "c"}})
        {
            final ActorRef<Appender.Command> entity = kit.spawn(Appender.create(expect[0]));
            entity.tell(new Appender.Get(probe.ref()));
            assertEquals(expect[1], probe.receiveMessage(Duration.ofSeconds(30)), expect[0]);
            kit.stop(entity);
        }
        // The read side sees them as tagged events like any other.
        final List<EventEnvelope> tagged = PersistenceQuery.get(Adapter.toClassic(kit.system()))
            .getReadJournalFor(RaftReadJournal.class, RaftReadJournal.IDENTIFIER)
            .currentEventsByTag(Appender.TAG, Offset.noOffset())
            .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(List.of("own", "a", "c"), tagged.stream().map(EventEnvelope::event).toList());
    }
}
