package io.cistern.journal.log;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.cistern.journal.log.JournalMembers.PATIENCE;

/**
 * Members restarted on their own folders with their stores past the latest snapshot (what a crash leaves:
 * the store commits as it goes, snapshots come every so many entries): Ratis replays entries the store
 * already has, and every member must come back applying, not die on the replay (as a bench's node did:
 * "Failed updateLastAppliedTermIndex", then never ready).
 */
@Timeout(180)
class JournalRestartTest
{
    private static final List<String> NAMES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    private JournalMembers members;

    @AfterEach
    void stop()
    {
        members.close();
    }

    private void writeThroughFirst(final int events) throws Exception
    {
        for (int i = 0; i < events; i++)
        {
            members.write(members.running().values().iterator().next());
        }
    }

    private void awaitEveryMemberHasEveryEvent()
    {
        for (final Map.Entry<String, ReplicatedLog> member : members.running().entrySet())
        {
            Awaitility.await(member.getKey() + " has all " + members.written() + " events").atMost(PATIENCE)
                .until(() -> member.getValue().store().eventCount() == members.written());
        }
    }

    @Test
    void membersRestartedWithTheirStoresPastTheLatestSnapshotApplyAgain() throws Exception
    {
        // No snapshot in this test: the threshold is far above what it writes.
        members = new JournalMembers(dir, "restart-test", NAMES, NAMES, 1_000_000);
        NAMES.forEach(members::start);
        writeThroughFirst(20);
        awaitEveryMemberHasEveryEvent();

        // Every member closes (its store is committed as it closes) and starts again on its folder. A graceful
        // close also takes a snapshot at the store's index; a crash (SIGKILL) leaves the last snapshot behind
        // the store. Removing the snapshots makes the closed members what a crash before the first snapshot
        // leaves: a store at its index, no snapshot, the log from the start.
        members.close();
        for (final String name : NAMES)
        {
            try (Stream<Path> files = Files.walk(members.folder(name)))
            {
                for (final Path snapshot : files.filter(f -> f.getParent().getFileName().toString().equals("sm")).toList())
                {
                    Files.delete(snapshot);
                }
            }
        }
        NAMES.forEach(members::start);
        writeThroughFirst(5);
        awaitEveryMemberHasEveryEvent();
    }
}
