package io.cistern.journal.log;

import io.cistern.journal.store.StoredEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal's membership through Ratis's reconfiguration, with real members on loopback: a listener
 * joins, a lost voter's vote goes to the listener (so the journal again survives a second loss), and the
 * lost voter, back on its old folder, finds it was let go and joins again as a listener with a new copy.
 */
@Timeout(180)
class JournalMembershipTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ReplicatedLog> running = new LinkedHashMap<>();
    private int written;

    @AfterEach
    void stop()
    {
        running.values().forEach(ReplicatedLog::close);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private ReplicatedLog start(final String name) throws IOException
    {
        final List<LogSettings.Peer> voters = new ArrayList<>();
        for (final String voter : List.of("a", "b", "c"))
        {
            voters.add(new LogSettings.Peer(voter, "127.0.0.1:" + ports.get(voter)));
        }
        final ReplicatedLog log = ReplicatedLog.start(new LogSettings(name, "127.0.0.1:" + ports.get(name), dir.resolve(name), voters,
            "membership-test", Duration.ofSeconds(1), 1_000));
        running.put(name, log);
        return log;
    }

    private void close(final String name)
    {
        running.remove(name).close();
    }

    /** Commits one event through {@code via}; fails the test if it does not commit in time. */
    private void write(final ReplicatedLog via) throws Exception
    {
        written++;
        final String id = "entity-" + written;
        final StoredEvent event = new StoredEvent(id, 1, 0, "writer", 0, "", 1, "", ("event " + written).getBytes(StandardCharsets.UTF_8),
            Set.of());
        final List<Optional<String>> outcomes = via.submit(new JournalCommand.Write(List.of(new JournalCommand.AtomicWrite(id, List.of(event)))))
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(List.of(Optional.empty()), outcomes);
    }

    private ReplicatedLog leader()
    {
        return Awaitility.await("a leader").atMost(PATIENCE)
            .until(() -> running.values().stream().filter(ReplicatedLog::leads).findFirst(), Optional::isPresent)
            .orElseThrow();
    }

    /**
     * The members as a leader sees them, read once: asking for the leader and then for its members again
     * may meet another leader, or one in the middle of a reconfiguration (members not yet stable).
     */
    private Members membersOnLeader()
    {
        return Awaitility.await("a leader with a stable configuration").atMost(PATIENCE)
            .until(() -> running.values().stream().filter(ReplicatedLog::leads).findFirst().flatMap(ReplicatedLog::members),
                Optional::isPresent)
            .orElseThrow();
    }

    @Test
    void aLostVotersVoteGoesToAListenerAndTheVoterComesBackAsAListener() throws Exception
    {
        for (final String name : List.of("a", "b", "c", "d"))
        {
            ports.put(name, freePort());
        }
        start("a");
        start("b");
        start("c");
        final ReplicatedLog d = start("d");
        Awaitility.await("d joins as a listener").atMost(PATIENCE).until(() -> membersOnLeader().listens("d"));
        assertEquals(List.of("a", "b", "c"), membersOnLeader().voterNames());
        assertEquals("listener", d.status().role());
        write(running.get("a"));

        // c is lost. The plan the steward follows, on the leader's members: d votes instead.
        close("c");
        write(running.get("b"));
        final Members before = membersOnLeader();
        final VoterPlan.Change change = VoterPlan.next(before, Set.of("a", "b", "d"), Map.of("c", 0L), 10_000, 10_000, 3).orElseThrow();
        assertTrue(leader().reconfigure(before, change.next()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS), change.why());
        assertEquals(List.of("a", "b", "d"), membersOnLeader().voterNames());
        assertEquals(List.of(), membersOnLeader().listenerNames());
        Awaitility.await("d knows it votes").atMost(PATIENCE).until(() -> "voter".equals(d.status().role()));
        assertTrue(!leader().reconfigure(before, change.next()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS),
            "a change decided on members that are no longer the journal's is refused");

        // A second original voter goes: b and d are a majority of the new voters, and still commit.
        close("a");
        write(running.get("b"));
        write(d);

        // c comes back on its old folder (its log says it votes): the others say it does not, so it starts
        // over as a listener and is sent every event, including those written while it was away.
        final ReplicatedLog c = start("c");
        Awaitility.await("c joins as a listener").atMost(PATIENCE).until(() -> membersOnLeader().listens("c"));
        assertEquals("listener", c.status().role());
        Awaitility.await("c has every event").atMost(PATIENCE).until(() -> c.store().eventCount() == written);

        // a comes back and still votes.
        final ReplicatedLog a = start("a");
        assertEquals("voter", a.status().role());
        Awaitility.await("a has every event").atMost(PATIENCE).until(() -> a.store().eventCount() == written);
        assertEquals(List.of("a", "b", "d"), membersOnLeader().voterNames());
    }
}
