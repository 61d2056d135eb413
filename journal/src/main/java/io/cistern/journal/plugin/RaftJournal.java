package io.cistern.journal.plugin;

import io.cistern.journal.log.JournalCommand;
import io.cistern.journal.log.ReplicatedLog;
import io.cistern.journal.store.StoredEvent;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Pekko Persistence's journal on the replicated log: a write is acknowledged once a majority of the
 * journal's voters has it, and a replay reads this node's copy after making sure it has caught up.
 */
public final class RaftJournal extends org.apache.pekko.persistence.journal.japi.AsyncWriteJournal
{
    private final ReplicatedLog log = ReplicatedJournal.log(context().system());
    private final Payloads payloads = new Payloads(context().system());

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(final Iterable<AtomicWrite> messages)
    {
        final List<Optional<Exception>> outcomes = new ArrayList<>();
        final List<Integer> sent = new ArrayList<>();
        final List<JournalCommand.AtomicWrite> writes = new ArrayList<>();
        for (final AtomicWrite atomic : messages)
        {
            try
            {
                final List<StoredEvent> events = new ArrayList<>();
                for (final PersistentRepr repr : CollectionConverters.asJava(atomic.payload()))
                {
                    events.add(stored(repr));
                }
                writes.add(new JournalCommand.AtomicWrite(atomic.persistenceId(), events));
                sent.add(outcomes.size());
                outcomes.add(Optional.empty());
            }
            catch (final RuntimeException e)
            {
                // Pekko's contract: a write that cannot be serialized is rejected, the others go on.
                outcomes.add(Optional.of(e));
            }
        }
        if (writes.isEmpty())
        {
            return FutureConverters.asScala(CompletableFuture.completedFuture(outcomes));
        }
        return FutureConverters.asScala(log.submit(new JournalCommand.Write(writes)).thenApply(answers ->
        {
            for (int i = 0; i < sent.size(); i++)
            {
                final Optional<String> answer = i < answers.size() ? answers.get(i) : Optional.of("no answer");
                if (answer.isPresent())
                {
                    outcomes.set(sent.get(i), Optional.of(new IllegalStateException(answer.get())));
                }
            }
            return outcomes;
        }));
    }

    private StoredEvent stored(final PersistentRepr repr)
    {
        Object payload = repr.payload();
        Set<String> tags = Set.of();
        if (payload instanceof Tagged tagged)
        {
            payload = tagged.payload();
            tags = new HashSet<>(CollectionConverters.asJava(tagged.tags()));
        }
        final Payloads.Serialized serialized = payloads.serialize(payload);
        return new StoredEvent(repr.persistenceId(), repr.sequenceNr(), 0, repr.writerUuid(), repr.timestamp(),
            repr.manifest(), serialized.serializerId(), serialized.manifest(), serialized.bytes(), tags);
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(final String persistenceId, final long toSequenceNr)
    {
        return FutureConverters.asScala(log.submit(new JournalCommand.DeleteTo(persistenceId, toSequenceNr))
            .thenApply(answers -> null));
    }

    @Override
    public Future<Void> doAsyncReplayMessages(final String persistenceId, final long from, final long to, final long max,
                                              final Consumer<PersistentRepr> replay)
    {
        // Pekko asks for the highest sequence number first, which waited for this node to catch up.
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() ->
        {
            for (final StoredEvent event : log.store().events(persistenceId, from, to, max))
            {
                replay.accept(repr(event));
            }
            return null;
        }, context().dispatcher()::execute));
    }

    private PersistentRepr repr(final StoredEvent event)
    {
        final Object payload = payloads.deserialize(event.serializerId(), event.serializerManifest(), event.payload());
        return PersistentRepr.apply(payload, event.sequenceNr(), event.persistenceId(), event.manifest(), false, null,
            event.writerUuid()).withTimestamp(event.timestamp());
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(final String persistenceId, final long from)
    {
        return FutureConverters.asScala(log.caughtUp().thenApply(done -> log.store().highestSequenceNr(persistenceId)));
    }
}
