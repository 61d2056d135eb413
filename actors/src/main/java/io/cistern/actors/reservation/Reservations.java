package io.cistern.actors.reservation;

import io.cistern.actors.serialization.CisternSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.util.ArrayList;
import java.util.Set;

/**
 * A volume's persistent reservations: a sharded, event-sourced entity per volume id (a volume made again
 * under the same name starts with none), so the registrations and the reservation survive the loss of
 * any node and are the same cluster-wide. Every change is one {@link Changed} event carrying the whole
 * state after it (a few registrations), which every node's {@link ReservationView} folds into the table
 * its front ends enforce RESERVATION CONFLICT from.
 */
public final class Reservations extends EventSourcedBehaviorWithEnforcedReplies<Reservations.Command, Reservations.Changed, ReservationState>
{
    public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Reservations");
    public static final String TAG = "reservation";

    public sealed interface Command extends CisternSerializable
    {
    }

    /** Applies a PERSISTENT RESERVE OUT. */
    public record Out(PrOut request, ActorRef<OutReply> replyTo) implements Command
    {
    }

    public record Get(ActorRef<Current> replyTo) implements Command
    {
    }

    /** @param removed the registrations a CLEAR or PREEMPT removed. */
    public record OutReply(Outcome outcome, ReservationState state, ArrayList<Registration> removed) implements CisternSerializable
    {
    }

    public record Current(ReservationState state) implements CisternSerializable
    {
    }

    /** The state after a change; {@code abort}: it came of a PREEMPT AND ABORT, whose victims' tasks are aborted. */
    public record Changed(ReservationState state, ArrayList<Registration> removed, boolean abort) implements CisternSerializable
    {
    }

    private Reservations(final String volumeIdHex)
    {
        super(PersistenceId.of(ENTITY_TYPE_KEY.name(), volumeIdHex));
    }

    public static Behavior<Command> create(final String volumeIdHex)
    {
        return new Reservations(volumeIdHex);
    }

    /** The entity id of a volume's reservations. */
    public static String entityId(final long volumeId)
    {
        return Long.toHexString(volumeId);
    }

    @Override
    public ReservationState emptyState()
    {
        return ReservationState.EMPTY;
    }

    @Override
    public RetentionCriteria retentionCriteria()
    {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public Set<String> tagsFor(final Changed event)
    {
        return Set.of(TAG);
    }

    @Override
    public CommandHandlerWithReply<Command, Changed, ReservationState> commandHandler()
    {
        return newCommandHandlerWithReplyBuilder().forAnyState()
            .onCommand(Out.class, (state, out) ->
            {
                final ReservationState.Decision decision = state.out(out.request());
                if (decision.next() == state)
                {
                    return Effect().reply(out.replyTo(), new OutReply(decision.outcome(), state, new ArrayList<>()));
                }
                final boolean abort = out.request().action() == PrOut.PREEMPT_AND_ABORT;
                return Effect().persist(new Changed(decision.next(), new ArrayList<>(decision.removed()), abort))
                    .thenReply(out.replyTo(), next -> new OutReply(decision.outcome(), next, new ArrayList<>(decision.removed())));
            })
            .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), new Current(state)))
            .build();
    }

    @Override
    public EventHandler<ReservationState, Changed> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState().onEvent(Changed.class, (state, changed) -> changed.state()).build();
    }
}
