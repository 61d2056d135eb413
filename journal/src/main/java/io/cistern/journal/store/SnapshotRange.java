package io.cistern.journal.store;

/**
 * Which snapshots of an entity a load or delete means: Pekko's {@code SnapshotSelectionCriteria}, bounds
 * inclusive, as plain numbers so the replicated log does not depend on Pekko's classes.
 */
public record SnapshotRange(long maxSequenceNr, long maxTimestamp, long minSequenceNr, long minTimestamp)
{
    public boolean contains(final StoredSnapshot snapshot)
    {
        return snapshot.sequenceNr() <= maxSequenceNr && snapshot.timestamp() <= maxTimestamp
            && snapshot.sequenceNr() >= minSequenceNr && snapshot.timestamp() >= minTimestamp;
    }
}
