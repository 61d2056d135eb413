package io.cistern.journal.plugin;

import io.cistern.journal.log.JournalCommand;
import io.cistern.journal.log.ReplicatedLog;
import io.cistern.journal.store.StoredEvent;
import org.apache.pekko.actor.ActorSystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes the first event of many entities that have none yet, a thousand to a log entry, without
 * starting them: what each would have persisted itself, so an entity started later recovers it as its
 * own. A fixed volume's placement is thousands of slabs; one entity start, recovery and journal write
 * each placed about 70 slabs a second.
 * <p>
 * An entity that has an event already (it was placed meanwhile) has this write refused, on every node
 * alike, and the caller falls back to asking the entity. Only the replicated journal offers this; with
 * a database journal {@link #of} is empty and callers ask each entity.
 */
public final class InitialEvents
{
    /** Log entries carry at most this many events (a few hundred KiB). */
    static final int PER_ENTRY = 1024;

    /** The first event of one entity. */
    public record Initial(String persistenceId, Object event, Set<String> tags)
    {
    }

    private final ReplicatedLog log;
    private final Payloads payloads;
    private final String writerUuid = UUID.randomUUID().toString();

    private InitialEvents(final ActorSystem system)
    {
        this.log = ReplicatedJournal.log(system);
        this.payloads = new Payloads(system);
    }

    /** For a system whose journal is the replicated one; empty otherwise. */
    public static Optional<InitialEvents> of(final ActorSystem system)
    {
        final boolean replicated = ReplicatedJournal.JOURNAL_PLUGIN.equals(system.settings().config().getString("pekko.persistence.journal.plugin"));
        return replicated ? Optional.of(new InitialEvents(system)) : Optional.empty();
    }

    /**
     * Writes each entity's event as its sequence number 1; completes with, per initial event in order,
     * empty if written or why not (the entity has events already).
     */
    public CompletionStage<List<Optional<String>>> write(final List<Initial> initials)
    {
        final List<CompletableFuture<List<Optional<String>>>> entries = new ArrayList<>();
        final long now = System.currentTimeMillis();
        for (int from = 0; from < initials.size(); from += PER_ENTRY)
        {
            final List<JournalCommand.AtomicWrite> writes = new ArrayList<>();
            for (final Initial initial : initials.subList(from, Math.min(initials.size(), from + PER_ENTRY)))
            {
                final Payloads.Serialized serialized = payloads.serialize(initial.event());
                writes.add(new JournalCommand.AtomicWrite(initial.persistenceId(), List.of(new StoredEvent(initial.persistenceId(),
                    1, 0, writerUuid, now, "", serialized.serializerId(), serialized.manifest(), serialized.bytes(), initial.tags()))));
            }
            entries.add(log.submit(new JournalCommand.Write(writes)));
        }
        return CompletableFuture.allOf(entries.toArray(new CompletableFuture[0])).thenApply(done ->
        {
            final List<Optional<String>> outcomes = new ArrayList<>();
            entries.forEach(entry -> outcomes.addAll(entry.join()));
            return outcomes;
        });
    }
}
