package io.cistern.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

import java.util.function.Supplier;

/** Writes a typed {@link ActorRef} as its serialization path and resolves it on the way back in. */
final class ActorRefSerializer extends Serializer<ActorRef<?>>
{
    private final Supplier<ActorRefResolver> resolver;

    ActorRefSerializer(final Supplier<ActorRefResolver> resolver)
    {
        this.resolver = resolver;
    }

    @Override
    public void write(final Kryo kryo, final Output output, final ActorRef<?> ref)
    {
        output.writeString(resolver.get().toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(final Kryo kryo, final Input input, final Class<? extends ActorRef<?>> type)
    {
        return resolver.get().resolveActorRef(input.readString());
    }
}
