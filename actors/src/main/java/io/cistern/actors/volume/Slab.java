package io.cistern.actors.volume;

import io.cistern.actors.serialization.CisternSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One slab of a volume: a sharded, event-sourced entity (id {@code <volumeId hex>-<index>}) that owns
 * where the slab's extents are and the layout epoch. Placement is decided by the caller with the pure
 * {@link io.cistern.actors.placement.Placement} over a view of the pool and recorded here once; a second
 * placement of a placed slab returns the recorded layout, so two front ends racing to place a slab at
 * its first write agree on one layout.
 */
public final class Slab extends EventSourcedBehaviorWithEnforcedReplies<Slab.Command, Slab.Event, Slab.State>
{
    public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Slab");
    public static final String TAG = "slab";

    public sealed interface Command extends CisternSerializable
    {
    }

    public record Place(long volumeId, int index, long extentBytes, ArrayList<Extent> extents,
                        ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
        public Place
        {
            extents = new ArrayList<>(extents);
        }
    }

    public record GetLayout(ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    /** The volume was deleted: the extents are given back to the pool. */
    public record Free(ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    public sealed interface Event extends CisternSerializable
    {
    }

    public record Placed(SlabLayout layout) implements Event
    {
    }

    public record Freed(long volumeId, int index) implements Event
    {
    }

    public sealed interface State extends CisternSerializable
    {
    }

    public record Unplaced() implements State
    {
    }

    public record Active(SlabLayout layout) implements State
    {
    }

    public static String entityId(final long volumeId, final int index)
    {
        return Long.toHexString(volumeId) + "-" + index;
    }

    private final String id;

    private Slab(final String id)
    {
        super(PersistenceId.of(ENTITY_TYPE_KEY.name(), id));
        this.id = id;
    }

    public static Behavior<Command> create(final String entityId)
    {
        return new Slab(entityId);
    }

    @Override
    public State emptyState()
    {
        return new Unplaced();
    }

    @Override
    public Set<String> tagsFor(final Event event)
    {
        return Set.of(TAG);
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler()
    {
        final CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
        builder.forStateType(Unplaced.class)
            .onCommand(Place.class, this::place)
            .onCommand(GetLayout.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(Free.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")));
        builder.forStateType(Active.class)
            .onCommand(Place.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.layout())))
            .onCommand(GetLayout.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.layout())))
            .onCommand(Free.class, (s, c) -> Effect()
                .persist(new Freed(s.layout().volumeId(), s.layout().index()))
                .thenReply(c.replyTo(), next -> StatusReply.success(s.layout())));
        return builder.build();
    }

    private ReplyEffect<Event, State> place(final Unplaced state, final Place command)
    {
        if (!Slab.entityId(command.volumeId(), command.index()).equals(id))
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " was asked to place slab " +
                Slab.entityId(command.volumeId(), command.index())));
        }
        if (command.extents().isEmpty())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("a slab needs at least one extent"));
        }
        final SlabLayout layout = new SlabLayout(command.volumeId(), command.index(), 1, command.extentBytes(), command.extents());
        return Effect().persist(new Placed(layout)).thenReply(command.replyTo(), s -> StatusReply.success(layout));
    }

    @Override
    public EventHandler<State, Event> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState().onEvent(Event.class, Slab::apply).build();
    }

    /** The fold shared by the entity and read-side views of slabs. */
    public static State apply(final State state, final Event event)
    {
        if (event instanceof Placed placed)
        {
            return new Active(placed.layout());
        }
        return new Unplaced();
    }

    /** Extents of a placement decision, copy index in order. */
    public static ArrayList<Extent> extents(final List<String> driveIds, final java.util.Map<String, String> nodeOfDrive)
    {
        final ArrayList<Extent> extents = new ArrayList<>();
        for (int i = 0; i < driveIds.size(); i++)
        {
            extents.add(new Extent(i, driveIds.get(i), nodeOfDrive.get(driveIds.get(i)), ExtentState.IN_SYNC));
        }
        return extents;
    }
}
