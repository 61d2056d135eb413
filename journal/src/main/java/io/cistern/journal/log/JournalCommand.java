package io.cistern.journal.log;

import io.cistern.journal.store.SnapshotRange;
import io.cistern.journal.store.StoredEvent;
import io.cistern.journal.store.StoredSnapshot;

import java.util.List;

/**
 * What one entry of the replicated log asks every node's journal store to do. Encoded by
 * {@link JournalCodec}; the encoding is part of the on-disk format (the Raft log and its snapshots), so
 * commands and fields are only ever appended.
 */
public sealed interface JournalCommand
{
    /** Pekko's {@code AtomicWrite}: all of these events of one entity, or none. */
    record AtomicWrite(String persistenceId, List<StoredEvent> events)
    {
    }

    /** One journal write call: several atomic writes, each accepted or rejected on its own. */
    record Write(List<AtomicWrite> writes) implements JournalCommand
    {
    }

    record DeleteTo(String persistenceId, long toSequenceNr) implements JournalCommand
    {
    }

    record SaveSnapshot(StoredSnapshot snapshot) implements JournalCommand
    {
    }

    /** Deletes the one snapshot at {@code sequenceNr} (and {@code timestamp}, when not 0). */
    record DeleteSnapshot(String persistenceId, long sequenceNr, long timestamp) implements JournalCommand
    {
    }

    record DeleteSnapshots(String persistenceId, SnapshotRange range) implements JournalCommand
    {
    }
}
