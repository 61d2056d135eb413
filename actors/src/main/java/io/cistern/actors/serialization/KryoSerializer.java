package io.cistern.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for every {@link CisternSerializable}: Kryo with registration required, so a class
 * without an id in {@link KryoRegistry} fails at once rather than being written in a format nobody
 * promised to read back. Kryo instances are not thread-safe, hence the pools.
 */
public final class KryoSerializer extends JSerializer
{
    /** Pekko serializer id; stored with every journal event. Never change it. */
    public static final int IDENTIFIER = 5_731_001;

    private final Pool<Kryo> kryos;
    private final Pool<Output> outputs;

    public KryoSerializer(final ExtendedActorSystem system)
    {
        // The resolver is looked up on first use: serializers are built while the system is starting.
        final ActorRefResolver[] resolver = new ActorRefResolver[1];
        this.kryos = new Pool<>(true, false, 16)
        {
            @Override
            protected Kryo create()
            {
                return KryoRegistry.newKryo(() ->
                {
                    if (resolver[0] == null)
                    {
                        resolver[0] = ActorRefResolver.get(Adapter.toTyped(system));
                    }
                    return resolver[0];
                });
            }
        };
        this.outputs = new Pool<>(true, false, 16)
        {
            @Override
            protected Output create()
            {
                return new Output(1024, -1);
            }
        };
    }

    @Override
    public int identifier()
    {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest()
    {
        return false;
    }

    @Override
    public byte[] toBinary(final Object object)
    {
        final Kryo kryo = kryos.obtain();
        final Output output = outputs.obtain();
        try
        {
            output.reset();
            kryo.writeClassAndObject(output, object);
            return output.toBytes();
        }
        finally
        {
            outputs.free(output);
            kryos.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(final byte[] bytes, final Class<?> manifest)
    {
        final Kryo kryo = kryos.obtain();
        try
        {
            return kryo.readClassAndObject(new Input(bytes));
        }
        finally
        {
            kryos.free(kryo);
        }
    }
}
