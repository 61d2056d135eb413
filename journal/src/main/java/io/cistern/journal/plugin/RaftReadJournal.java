package io.cistern.journal.plugin;

import io.cistern.journal.log.ReplicatedLog;
import io.cistern.journal.store.EventStore;
import io.cistern.journal.store.StoredEvent;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Pekko Persistence Query on this node's copy of the replicated journal. Offsets are
 * {@link Sequence}s of the events' orderings, the same on every node. The live queries wait for the
 * next applied entry instead of polling, so a view learns an event when it commits here; the current
 * queries first wait until this node has caught up with everything committed.
 */
public final class RaftReadJournal implements ReadJournal, EventsByTagQuery, CurrentEventsByTagQuery,
    EventsByPersistenceIdQuery, CurrentEventsByPersistenceIdQuery, CurrentPersistenceIdsQuery
{
    public static final String IDENTIFIER = "cistern-raft-read-journal";
    private static final int BATCH = 512;

    private final ReplicatedLog log;
    private final Payloads payloads;

    public RaftReadJournal(final ActorSystem system)
    {
        this.log = ReplicatedJournal.log(system);
        this.payloads = new Payloads(system);
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(final String tag, final Offset offset)
    {
        return Source.unfoldAsync(start(offset), after -> nextByTag(tag, after))
            .mapConcat(batch -> batch)
            .map(this::envelope);
    }

    private CompletionStage<Optional<Pair<Long, List<StoredEvent>>>> nextByTag(final String tag, final long after)
    {
        final EventStore store = log.store();
        // Take the change signal before reading, so an entry applied in between still wakes us.
        final CompletableFuture<Void> changed = store.changed();
        final List<StoredEvent> batch = store.eventsByTag(tag, after, BATCH);
        if (!batch.isEmpty())
        {
            return CompletableFuture.completedFuture(Optional.of(Pair.create(batch.get(batch.size() - 1).ordering(), batch)));
        }
        return changed.thenCompose(applied -> nextByTag(tag, after));
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(final String tag, final Offset offset)
    {
        final long start = start(offset);
        return Source.completionStage(log.caughtUp().thenApply(done -> log.store().eventsByTag(tag, start, Integer.MAX_VALUE)))
            .mapConcat(batch -> batch)
            .map(this::envelope);
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByPersistenceId(final String persistenceId, final long from, final long to)
    {
        return Source.unfoldAsync(from, next -> nextByEntity(persistenceId, next, to))
            .mapConcat(batch -> batch)
            .map(this::envelope);
    }

    private CompletionStage<Optional<Pair<Long, List<StoredEvent>>>> nextByEntity(final String persistenceId, final long from,
                                                                                 final long to)
    {
        if (from > to)
        {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        final EventStore store = log.store();
        final CompletableFuture<Void> changed = store.changed();
        final List<StoredEvent> batch = store.events(persistenceId, from, to, BATCH);
        if (!batch.isEmpty())
        {
            return CompletableFuture.completedFuture(Optional.of(Pair.create(batch.get(batch.size() - 1).sequenceNr() + 1, batch)));
        }
        return changed.thenCompose(applied -> nextByEntity(persistenceId, from, to));
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(final String persistenceId, final long from, final long to)
    {
        return Source.completionStage(log.caughtUp().thenApply(done -> log.store().events(persistenceId, from, to, Long.MAX_VALUE)))
            .mapConcat(batch -> batch)
            .map(this::envelope);
    }

    @Override
    public Source<String, NotUsed> currentPersistenceIds()
    {
        return Source.completionStage(log.caughtUp().thenApply(done -> log.store().persistenceIds()))
            .mapConcat(ids -> ids);
    }

    private static long start(final Offset offset)
    {
        if (offset instanceof Sequence sequence)
        {
            return sequence.value();
        }
        if (offset == null || offset == Offset.noOffset())
        {
            return 0;
        }
        throw new IllegalArgumentException("the replicated journal's offsets are Sequence, not " + offset);
    }

    private EventEnvelope envelope(final StoredEvent event)
    {
        return new EventEnvelope(Offset.sequence(event.ordering()), event.persistenceId(), event.sequenceNr(),
            payloads.deserialize(event.serializerId(), event.serializerManifest(), event.payload()), event.timestamp());
    }
}
