package io.cistern.journal.plugin;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/** Events and snapshots to bytes and back with the actor system's own serializers (Cistern's Kryo). */
final class Payloads
{
    record Serialized(int serializerId, String manifest, byte[] bytes)
    {
    }

    private final Serialization serialization;

    Payloads(final ActorSystem system)
    {
        this.serialization = SerializationExtension.get(system);
    }

    Serialized serialize(final Object payload)
    {
        final Serializer serializer = serialization.findSerializerFor(payload);
        return new Serialized(serializer.identifier(), Serializers.manifestFor(serializer, payload),
            serializer.toBinary(payload));
    }

    Object deserialize(final int serializerId, final String manifest, final byte[] bytes)
    {
        return serialization.deserialize(bytes, serializerId, manifest).get();
    }
}
