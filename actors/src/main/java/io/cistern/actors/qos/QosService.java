package io.cistern.actors.qos;

import io.cistern.actors.volume.VolumeException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Asks the cluster's {@link QosBook}, wherever it runs; a refusal fails the stage with a {@link VolumeException}. */
public final class QosService
{
    private final ClusterSharding sharding;
    private final Duration timeout;

    public QosService(final ActorSystem<?> system, final Duration timeout)
    {
        this.sharding = ClusterSharding.get(system);
        this.timeout = timeout;
    }

    public CompletionStage<Void> put(final QosPolicy policy, final boolean replace)
    {
        return answer(replyTo -> new QosBook.Put(policy, replace, replyTo));
    }

    public CompletionStage<Void> delete(final String policy)
    {
        return answer(replyTo -> new QosBook.Delete(policy, replyTo));
    }

    /** Puts the volume on {@code policy}, or off any when it is null. */
    public CompletionStage<Void> assign(final long volumeId, final String volumeName, final String policy)
    {
        return answer(replyTo -> new QosBook.Assign(volumeId, volumeName, policy, replyTo));
    }

    public CompletionStage<Void> setNormalization(final int bytes)
    {
        return answer(replyTo -> new QosBook.SetNormalization(bytes, replyTo));
    }

    public CompletionStage<QosBook.Status> status()
    {
        return book().ask(QosBook.GetStatus::new, timeout);
    }

    private EntityRef<QosBook.Command> book()
    {
        return sharding.entityRefFor(QosBook.ENTITY_TYPE_KEY, QosBook.ENTITY_ID);
    }

    private CompletionStage<Void> answer(final Function<ActorRef<QosBook.Answer>, QosBook.Command> command)
    {
        return book().<QosBook.Answer>ask(command::apply, timeout).thenApply(answer ->
        {
            if (answer.problem() != null)
            {
                throw new CompletionException(new VolumeException(switch (answer.kind())
                {
                    case NOT_FOUND -> VolumeException.Kind.NOT_FOUND;
                    case CONFLICT -> VolumeException.Kind.CONFLICT;
                    case BAD_REQUEST -> VolumeException.Kind.BAD_REQUEST;
                }, answer.problem()));
            }
            return null;
        });
    }
}
