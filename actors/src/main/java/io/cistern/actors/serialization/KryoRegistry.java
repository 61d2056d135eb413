package io.cistern.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.config.MediaType;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every class Kryo may write, with its id. The ids are in the journal and on the wire: they are
 * append-only. Never renumber or reuse one; retire it by leaving a comment in its place.
 */
public final class KryoRegistry
{
    /** Ids below this are Kryo's own (primitives, String, ...). */
    private static final int FIRST_ID = 100;

    private KryoRegistry()
    {
    }

    /** The registered classes by id, in id order. */
    public static Map<Integer, Class<?>> classes()
    {
        final Map<Integer, Class<?>> ids = new LinkedHashMap<>();
        // 100-119: shared value types
        ids.put(FIRST_ID, MediaType.class);
        ids.put(101, DriveHealth.class);
        ids.put(102, DriveInfo.class);
        ids.put(103, DriveStatus.class);
        // 120-159: Drive entity
        ids.put(120, Drive.Register.class);
        ids.put(121, Drive.ReportLostCommunication.class);
        ids.put(122, Drive.GetStatus.class);
        ids.put(123, Drive.DriveReport.class);
        ids.put(130, Drive.Registered.class);
        ids.put(131, Drive.CommunicationLost.class);
        ids.put(140, Drive.Unregistered.class);
        ids.put(141, Drive.Known.class);
        return ids;
    }

    /** Id of the typed {@link ActorRef} implementation Pekko hands out for local and remote actors. */
    static final int ACTOR_REF_ID = 99;

    static Kryo newKryo(final Supplier<ActorRefResolver> resolver)
    {
        final Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        final ActorRefSerializer refs = new ActorRefSerializer(resolver);
        kryo.addDefaultSerializer(ActorRef.class, refs);
        kryo.register(actorRefAdapterClass(), refs, ACTOR_REF_ID);
        classes().forEach((id, type) -> kryo.register(type, id));
        return kryo;
    }

    private static Class<?> actorRefAdapterClass()
    {
        try
        {
            return Class.forName("org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter");
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException("Pekko's typed ActorRef adapter is not on the classpath", ex);
        }
    }
}
