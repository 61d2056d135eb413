package io.cistern.journal.plugin;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.util.Set;

/** A test entity: appends strings to its state, one event each, tagged, with a snapshot every 3 events. */
final class Appender extends EventSourcedBehavior<Appender.Command, String, String>
{
    static final String TAG = "appended";

    sealed interface Command
    {
    }

    record Append(String text, ActorRef<String> replyTo) implements Command
    {
    }

    record Get(ActorRef<String> replyTo) implements Command
    {
    }

    private Appender(final String id)
    {
        super(PersistenceId.ofUniqueId(id));
    }

    static Behavior<Command> create(final String id)
    {
        return new Appender(id);
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
            .onCommand(Append.class, (state, append) -> Effect().persist(append.text()).thenReply(append.replyTo(), s -> s))
            .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
            .build();
    }

    @Override
    public EventHandler<String, String> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((state, text) -> state + text);
    }

    @Override
    public Set<String> tagsFor(final String event)
    {
        return Set.of(TAG);
    }

    @Override
    public RetentionCriteria retentionCriteria()
    {
        return RetentionCriteria.snapshotEvery(3, 2);
    }
}
