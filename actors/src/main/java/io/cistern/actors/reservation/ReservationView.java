package io.cistern.actors.reservation;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One node's view of every volume's persistent reservations: it follows the reservation events as the
 * node's copy of the journal applies them and hands each volume's new state to the node's listener (the
 * table its front ends check RESERVATION CONFLICT against). A node that changed a reservation asks every
 * node's view, found through the receptionist, to confirm it has applied the change ({@link AwaitVersion})
 * before the initiator is told it is done: so a preempted initiator is fenced on every node first.
 */
public final class ReservationView
{
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "reservation-views");

    /** What the node does with a volume's new reservations; the stage completes once they are enforced there. */
    public interface Listener
    {
        CompletionStage<Done> changed(long volumeId, ReservationState state, List<Registration> removed, boolean abort);

        /** Every session of the volume on this node is to report a unit attention (a logical unit reset through any node). */
        void unitAttention(long volumeId, int ascq);
    }

    public sealed interface Command extends io.cistern.actors.serialization.CisternSerializable
    {
    }

    /** Replies {@link Applied} once this node enforces the volume's reservations at {@code version} or later. */
    public record AwaitVersion(long volumeId, long version, ActorRef<Applied> replyTo) implements Command
    {
    }

    /** Queues a unit attention for every session of the volume on this node; replies {@link Applied} once it has. */
    public record UnitAttention(long volumeId, int ascq, ActorRef<Applied> replyTo) implements Command
    {
    }

    public record Applied(long volumeId, long version) implements io.cistern.actors.serialization.CisternSerializable
    {
    }

    private record Seen(EventEnvelope envelope) implements Command
    {
    }

    private record Enforced(long volumeId, long version) implements Command
    {
    }

    private record StreamEnded(String why) implements Command
    {
    }

    private ReservationView()
    {
    }

    public static Behavior<Command> create(final EventsByTagQuery query, final Listener listener)
    {
        return Behaviors.setup(context ->
        {
            context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
            final State state = new State(context, query, listener);
            state.follow();
            return state.behavior();
        });
    }

    private static final String RESUME = "resume";

    private static final class State
    {
        private final ActorContext<Command> context;
        private final EventsByTagQuery query;
        private final Listener listener;
        private final Map<Long, Long> enforced = new HashMap<>();
        private final Map<Long, List<AwaitVersion>> waiting = new HashMap<>();
        private Offset offset = Offset.noOffset();

        State(final ActorContext<Command> context, final EventsByTagQuery query, final Listener listener)
        {
            this.context = context;
            this.query = query;
            this.listener = listener;
        }

        void follow()
        {
            final ActorRef<Command> self = context.getSelf();
            final CompletionStage<Done> done = query.eventsByTag(Reservations.TAG, offset)
                .runWith(Sink.foreach(envelope -> self.tell(new Seen(envelope))), context.getSystem());
            context.pipeToSelf(done, (ok, failure) -> new StreamEnded(failure == null ? "completed" : failure.toString()));
        }

        Behavior<Command> behavior()
        {
            return Behaviors.receive(Command.class)
                .onMessage(Seen.class, seen ->
                {
                    offset = seen.envelope().offset();
                    if (seen.envelope().event() instanceof Reservations.Changed changed)
                    {
                        final String id = seen.envelope().persistenceId();
                        final long volumeId = Long.parseUnsignedLong(id.substring(id.indexOf('|') + 1), 16);
                        final long version = changed.state().version();
                        context.pipeToSelf(listener.changed(volumeId, changed.state(), changed.removed(), changed.abort()),
                            (ok, failure) -> new Enforced(volumeId, version));
                    }
                    return Behaviors.same();
                })
                .onMessage(Enforced.class, done ->
                {
                    enforced.merge(done.volumeId(), done.version(), Math::max);
                    answer(done.volumeId());
                    return Behaviors.same();
                })
                .onMessage(UnitAttention.class, attention ->
                {
                    listener.unitAttention(attention.volumeId(), attention.ascq());
                    attention.replyTo().tell(new Applied(attention.volumeId(), enforced.getOrDefault(attention.volumeId(), 0L)));
                    return Behaviors.same();
                })
                .onMessage(AwaitVersion.class, await ->
                {
                    waiting.computeIfAbsent(await.volumeId(), v -> new ArrayList<>()).add(await);
                    answer(await.volumeId());
                    return Behaviors.same();
                })
                .onMessage(StreamEnded.class, ended ->
                {
                    if (ended.why().equals(RESUME))
                    {
                        follow();
                        return Behaviors.same();
                    }
                    context.getLog().warn("The reservation events stream ended ({}); following it again in a second", ended.why());
                    context.scheduleOnce(Duration.ofSeconds(1), context.getSelf(), new StreamEnded(RESUME));
                    return Behaviors.same();
                })
                .build();
        }

        private void answer(final long volumeId)
        {
            final List<AwaitVersion> list = waiting.get(volumeId);
            if (list == null)
            {
                return;
            }
            final long at = enforced.getOrDefault(volumeId, 0L);
            list.removeIf(await ->
            {
                if (await.version() <= at)
                {
                    await.replyTo().tell(new Applied(volumeId, at));
                    return true;
                }
                return false;
            });
        }
    }
}
