package io.cistern.journal.plugin;

import io.cistern.journal.log.JournalCommand;
import io.cistern.journal.log.ReplicatedLog;
import io.cistern.journal.store.SnapshotRange;
import io.cistern.journal.store.StoredSnapshot;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

import java.util.Optional;

/** Pekko Persistence's snapshot store on the replicated log, beside the journal's events. */
public final class RaftSnapshotStore extends org.apache.pekko.persistence.snapshot.japi.SnapshotStore
{
    private final ReplicatedLog log = ReplicatedJournal.log(context().system());
    private final Payloads payloads = new Payloads(context().system());

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(final String persistenceId, final SnapshotSelectionCriteria criteria)
    {
        return FutureConverters.asScala(log.caughtUp().thenApply(done ->
            log.store().snapshot(persistenceId, range(criteria)).map(s -> new SelectedSnapshot(
                new SnapshotMetadata(s.persistenceId(), s.sequenceNr(), s.timestamp()),
                payloads.deserialize(s.serializerId(), s.serializerManifest(), s.payload())))));
    }

    @Override
    public Future<Void> doSaveAsync(final SnapshotMetadata metadata, final Object snapshot)
    {
        final Payloads.Serialized serialized = payloads.serialize(snapshot);
        return FutureConverters.asScala(log.submit(new JournalCommand.SaveSnapshot(new StoredSnapshot(
                metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(), serialized.serializerId(),
                serialized.manifest(), serialized.bytes())))
            .thenApply(answers -> null));
    }

    @Override
    public Future<Void> doDeleteAsync(final SnapshotMetadata metadata)
    {
        return FutureConverters.asScala(log.submit(new JournalCommand.DeleteSnapshot(metadata.persistenceId(),
            metadata.sequenceNr(), metadata.timestamp())).thenApply(answers -> null));
    }

    @Override
    public Future<Void> doDeleteAsync(final String persistenceId, final SnapshotSelectionCriteria criteria)
    {
        return FutureConverters.asScala(log.submit(new JournalCommand.DeleteSnapshots(persistenceId, range(criteria)))
            .thenApply(answers -> null));
    }

    private static SnapshotRange range(final SnapshotSelectionCriteria criteria)
    {
        return new SnapshotRange(criteria.maxSequenceNr(), criteria.maxTimestamp(), criteria.minSequenceNr(),
            criteria.minTimestamp());
    }
}
