package io.cistern.journal.store;

import java.util.Set;

/**
 * One persisted event as the replicated log carries it: the payload already serialized by Pekko's
 * serialization (Cistern's Kryo serializer), so the log never needs the entity classes.
 *
 * @param ordering     position among every event of the journal, assigned when the log entry is applied;
 *                     the same on every node because every node applies the same entries in order.
 *                     It is the read journal's offset. Zero until applied.
 * @param manifest     the event adapter's manifest (Pekko's {@code PersistentRepr.manifest}).
 * @param serializerId which serializer wrote {@code payload}.
 * @param serializerManifest that serializer's manifest for the payload's class.
 */
public record StoredEvent(String persistenceId, long sequenceNr, long ordering, String writerUuid, long timestamp,
                          String manifest, int serializerId, String serializerManifest, byte[] payload,
                          Set<String> tags)
{
    public StoredEvent withOrdering(final long ordering)
    {
        return new StoredEvent(persistenceId, sequenceNr, ordering, writerUuid, timestamp, manifest, serializerId,
            serializerManifest, payload, tags);
    }
}
