package io.cistern.actors.pool;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The pool view snapshot's states in the actors' own serialization, as the journal keeps their events:
 * the serializer's id and manifest, then its bytes, so a state reads back with the serializer that wrote it.
 */
final class SerializedStates implements ViewSnapshot.StateCodec
{
    private final Serialization serialization;

    SerializedStates(final ActorSystem<?> system)
    {
        this.serialization = SerializationExtension.get(Adapter.toClassic(system));
    }

    @Override
    public byte[] encode(final Object state) throws IOException
    {
        final Serializer serializer = serialization.findSerializerFor(state);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        final DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(serializer.identifier());
        out.writeUTF(Serializers.manifestFor(serializer, state));
        out.write(serializer.toBinary(state));
        return bytes.toByteArray();
    }

    @Override
    public Object decode(final byte[] bytes) throws IOException
    {
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        final int serializer = in.readInt();
        final String manifest = in.readUTF();
        try
        {
            return serialization.deserialize(in.readAllBytes(), serializer, manifest).get();
        }
        catch (final Exception ex)
        {
            throw new IOException("a state of serializer " + serializer + " (" + manifest + ") does not read back: " + ex, ex);
        }
    }
}
