package io.cistern.actors.persistence;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A contract entity: appends a letter per event, snapshots every 3 events and deletes the events a
 * snapshot covers, so recovering it needs both snapshots and deletes to work.
 */
final class Tally extends EventSourcedBehavior<Tally.Command, String, String>
{
    sealed interface Command
    {
    }

    record Append(String letter, ActorRef<String> replyTo) implements Command
    {
    }

    record Get(ActorRef<String> replyTo) implements Command
    {
    }

    private Tally(final String id)
    {
        super(PersistenceId.ofUniqueId(id));
    }

    static Behavior<Command> create(final String id)
    {
        return new Tally(id);
    }

    @Override
    public String emptyState()
    {
        return "";
    }

    @Override
    public CommandHandler<Command, String, String> commandHandler()
    {
        return newCommandHandlerBuilder().forAnyState()
            .onCommand(Append.class, (state, append) -> Effect().persist(append.letter()).thenReply(append.replyTo(), s -> s))
            .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
            .build();
    }

    @Override
    public EventHandler<String, String> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((state, letter) -> state + letter);
    }

    @Override
    public RetentionCriteria retentionCriteria()
    {
        return RetentionCriteria.snapshotEvery(3, 1).withDeleteEventsOnSnapshot();
    }
}
