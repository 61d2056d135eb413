package io.cistern.journal.store;

/** One snapshot of an entity's state, serialized by Pekko's serialization like an event's payload. */
public record StoredSnapshot(String persistenceId, long sequenceNr, long timestamp, int serializerId,
                             String serializerManifest, byte[] payload)
{
}
