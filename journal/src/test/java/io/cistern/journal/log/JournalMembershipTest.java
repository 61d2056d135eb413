package io.cistern.journal.log;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.cistern.journal.log.JournalMembers.PATIENCE;
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
    @TempDir
    Path dir;

    private JournalMembers members;
    private Map<String, ReplicatedLog> running;

    @AfterEach
    void stop()
    {
        members.close();
    }

    private ReplicatedLog start(final String name)
    {
        return members.start(name);
    }

    private void close(final String name)
    {
        members.close(name);
    }

    private void write(final ReplicatedLog via) throws Exception
    {
        members.write(via);
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
        members = new JournalMembers(dir, "membership-test", List.of("a", "b", "c", "d"), List.of("a", "b", "c"), 1_000);
        running = members.running();
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
        Awaitility.await("c has every event").atMost(PATIENCE).until(() -> c.store().eventCount() == members.written());

        // a comes back and still votes.
        final ReplicatedLog a = start("a");
        assertEquals("voter", a.status().role());
        Awaitility.await("a has every event").atMost(PATIENCE).until(() -> a.store().eventCount() == members.written());
        assertEquals(List.of("a", "b", "d"), membersOnLeader().voterNames());
    }
}
