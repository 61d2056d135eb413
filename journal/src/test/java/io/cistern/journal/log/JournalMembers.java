package io.cistern.journal.log;

import io.cistern.journal.store.StoredEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/** Journal members of one test on loopback: each its own folder under {@code dir}, started and closed by name. */
final class JournalMembers implements AutoCloseable
{
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Path dir;
    private final String cluster;
    private final List<String> voters;
    private final long snapshotEvery;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ReplicatedLog> running = new LinkedHashMap<>();
    private int written;

    /** Members {@code names}, of which {@code voters} vote; a free port each. */
    JournalMembers(final Path dir, final String cluster, final List<String> names, final List<String> voters, final long snapshotEvery)
    {
        this.dir = dir;
        this.cluster = cluster;
        this.voters = voters;
        this.snapshotEvery = snapshotEvery;
        for (final String name : names)
        {
            try (ServerSocket socket = new ServerSocket(0))
            {
                ports.put(name, socket.getLocalPort());
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }
    }

    ReplicatedLog start(final String name)
    {
        final List<LogSettings.Peer> peers = new ArrayList<>();
        for (final String voter : voters)
        {
            peers.add(new LogSettings.Peer(voter, "127.0.0.1:" + ports.get(voter)));
        }
        try
        {
            final ReplicatedLog log = ReplicatedLog.start(new LogSettings(name, "127.0.0.1:" + ports.get(name), folder(name), peers,
                cluster, Duration.ofSeconds(1), snapshotEvery));
            running.put(name, log);
            return log;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    void close(final String name)
    {
        running.remove(name).close();
    }

    Path folder(final String name)
    {
        return dir.resolve(name);
    }

    Map<String, ReplicatedLog> running()
    {
        return running;
    }

    /** How many events the test has committed. */
    int written()
    {
        return written;
    }

    /** Commits one event through {@code via}; fails the test if it does not commit in time. */
    void write(final ReplicatedLog via) throws Exception
    {
        written++;
        final String id = "entity-" + written;
        final StoredEvent event = new StoredEvent(id, 1, 0, "writer", 0, "", 1, "", ("event " + written).getBytes(StandardCharsets.UTF_8),
            Set.of());
        final List<Optional<String>> outcomes = via.submit(new JournalCommand.Write(List.of(new JournalCommand.AtomicWrite(id, List.of(event)))))
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(List.of(Optional.empty()), outcomes);
    }

    @Override
    public void close()
    {
        running.values().forEach(ReplicatedLog::close);
        running.clear();
    }
}
