package io.cistern.journal.log;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VoterPlanTest
{
    private static final long RETIRE = 10_000;

    private static LogSettings.Peer peer(final String name)
    {
        return new LogSettings.Peer(name, "127.0.0.1:" + (9870 + name.charAt(name.length() - 1) - '0'));
    }

    private static Members members(final List<String> voters, final List<String> listeners)
    {
        return new Members(voters.stream().map(VoterPlanTest::peer).toList(), listeners.stream().map(VoterPlanTest::peer).toList());
    }

    private static final Members FOUR = members(List.of("node-1", "node-2", "node-3"), List.of("node-4"));

    @Test
    void everyoneLiveChangesNothing()
    {
        assertTrue(VoterPlan.next(FOUR, Set.of("node-1", "node-2", "node-3", "node-4"), Map.of(), 50_000, RETIRE, 3).isEmpty());
    }

    @Test
    void aVoterGoneLessThanTheRetireTimeoutKeepsItsVote()
    {
        assertTrue(VoterPlan.next(FOUR, Set.of("node-1", "node-2", "node-4"), Map.of("node-3", 41_000L), 50_000, RETIRE, 3).isEmpty());
    }

    @Test
    void aVoterGoneLongerIsReplacedByALiveListener()
    {
        final Optional<VoterPlan.Change> change =
            VoterPlan.next(FOUR, Set.of("node-1", "node-2", "node-4"), Map.of("node-3", 40_000L), 50_000, RETIRE, 3);
        assertEquals(members(List.of("node-1", "node-2", "node-4"), List.of()), change.orElseThrow().next());
        assertTrue(change.get().why().contains("node-3") && change.get().why().contains("node-4"), change.get().why());
    }

    @Test
    void withoutALiveListenerTheGoneVoterStays()
    {
        // The only listener is gone too (not long enough to be dropped): nobody can take the vote.
        assertTrue(VoterPlan.next(FOUR, Set.of("node-1", "node-2"), Map.of("node-3", 0L, "node-4", 45_000L), 50_000, RETIRE, 3)
            .isEmpty());
        final Members three = members(List.of("node-1", "node-2", "node-3"), List.of());
        assertTrue(VoterPlan.next(three, Set.of("node-1", "node-2"), Map.of("node-3", 0L), 50_000, RETIRE, 3).isEmpty());
    }

    @Test
    void listenersAreTakenInNameOrderOneChangeAtATime()
    {
        final Members five = members(List.of("node-1", "node-2", "node-3", "node-4", "node-5"), List.of("node-7", "node-6"));
        final Optional<VoterPlan.Change> change = VoterPlan.next(five, Set.of("node-1", "node-2", "node-3", "node-6", "node-7"),
            Map.of("node-4", 0L, "node-5", 0L), 50_000, RETIRE, 5);
        assertEquals(members(List.of("node-1", "node-2", "node-3", "node-5", "node-6"), List.of("node-7")), change.orElseThrow().next(),
            "node-4 first, by node-6; node-5 waits for the next change");
    }

    @Test
    void tooFewVotersPromoteALiveListener()
    {
        final Members two = members(List.of("node-1", "node-2"), List.of("node-3", "node-4"));
        assertEquals(members(List.of("node-1", "node-2", "node-3"), List.of("node-4")),
            VoterPlan.next(two, Set.of("node-1", "node-2", "node-3", "node-4"), Map.of(), 0, RETIRE, 3).orElseThrow().next());
        assertTrue(VoterPlan.next(FOUR, Set.of("node-1", "node-2", "node-3", "node-4"), Map.of(), 0, RETIRE, 1).isEmpty(),
            "more voters than wanted are left alone");
    }

    @Test
    void aListenerGoneLongerLeavesTheJournal()
    {
        final Members five = members(List.of("node-1", "node-2", "node-3"), List.of("node-4", "node-5"));
        assertEquals(members(List.of("node-1", "node-2", "node-3"), List.of("node-5")),
            VoterPlan.next(five, Set.of("node-1", "node-2", "node-3", "node-5"), Map.of("node-4", 0L), 50_000, RETIRE, 3)
                .orElseThrow().next());
        assertTrue(VoterPlan.next(five, Set.of("node-1", "node-2", "node-3", "node-5"), Map.of("node-4", 45_000L), 50_000, RETIRE, 3)
            .isEmpty());
    }
}
