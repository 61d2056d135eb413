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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Members restarted on their own folders before any snapshot was taken: each store on disk is past the
 * latest snapshot (there is none), so Ratis replays entries the store already has. Every member must
 * come back applying, not die on the replay (as a bench's node did: "Failed updateLastAppliedTermIndex",
 * then never ready).
 */
@Timeout(180)
class JournalRestartTest
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

    private void start(final String name)
    {
        try
        {
            startOrThrow(name);
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void startOrThrow(final String name) throws IOException
    {
        final List<LogSettings.Peer> voters = new ArrayList<>();
        for (final String voter : ports.keySet())
        {
            voters.add(new LogSettings.Peer(voter, "127.0.0.1:" + ports.get(voter)));
        }
        // No snapshot in this test: the threshold is far above what it writes.
        running.put(name, ReplicatedLog.start(new LogSettings(name, "127.0.0.1:" + ports.get(name), dir.resolve(name), voters,
            "restart-test", Duration.ofSeconds(1), 1_000_000)));
    }

    private void write() throws Exception
    {
        written++;
        final String id = "entity-" + written;
        final StoredEvent event = new StoredEvent(id, 1, 0, "writer", 0, "", 1, "", ("event " + written).getBytes(StandardCharsets.UTF_8),
            Set.of());
        final ReplicatedLog via = running.values().iterator().next();
        assertEquals(List.of(Optional.empty()), via.submit(new JournalCommand.Write(List.of(new JournalCommand.AtomicWrite(id, List.of(event)))))
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    private void awaitEveryMemberHasEveryEvent()
    {
        for (final Map.Entry<String, ReplicatedLog> member : running.entrySet())
        {
            Awaitility.await(member.getKey() + " has all " + written + " events").atMost(PATIENCE)
                .until(() -> member.getValue().store().eventCount() == written);
        }
    }

    @Test
    void membersRestartedWithTheirStoresPastTheLatestSnapshotApplyAgain() throws Exception
    {
        for (final String name : List.of("a", "b", "c"))
        {
            ports.put(name, freePort());
        }
        ports.keySet().forEach(this::start);
        for (int i = 0; i < 20; i++)
        {
            write();
        }
        awaitEveryMemberHasEveryEvent();

        // Every member closes (its store is committed as it closes) and starts again on its folder. A graceful
        // close also takes a snapshot at the store's index; a crash (SIGKILL) leaves the last snapshot behind
        // the store, which commits as it goes. Removing the snapshots makes the closed members what a crash
        // before the first snapshot leaves: a store at its index, no snapshot, the log from the start.
        running.values().forEach(ReplicatedLog::close);
        running.clear();
        for (final String name : ports.keySet())
        {
            try (Stream<Path> files = Files.walk(dir.resolve(name)))
            {
                for (final Path snapshot : files.filter(f -> f.getParent().getFileName().toString().equals("sm")).toList())
                {
                    Files.delete(snapshot);
                }
            }
        }
        ports.keySet().forEach(this::start);
        for (int i = 0; i < 5; i++)
        {
            write();
        }
        awaitEveryMemberHasEveryEvent();
        for (final ReplicatedLog member : running.values())
        {
            Awaitility.await(member.status().self() + " applies the new entries").atMost(PATIENCE)
                .until(() -> member.status().applied() >= 0 && member.status().events() == written);
        }
    }
}
