package io.cistern.actors.volume;

import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.serialization.CisternSerializable;
import io.cistern.config.ByteSize;
import io.cistern.config.FaultDomainLevel;
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
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A volume: a sharded, event-sourced entity whose id is the volume's name, so a name can only ever
 * belong to one live volume. It owns the volume's identity, size and attachments; where its slabs live
 * is each {@link Slab}'s business.
 */
public final class Volume extends EventSourcedBehaviorWithEnforcedReplies<Volume.Command, Volume.Event, Volume.State>
{
    public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Volume");
    public static final String TAG = "volume";
    /** Sizes are whole blocks: NBD clients and extent checksums both work in 4 KiB blocks. */
    public static final long BLOCK = 4096;

    // ---- protocol ----

    public sealed interface Command extends CisternSerializable
    {
    }

    public record Create(long sizeBytes, Resiliency resiliency, Provisioning provisioning, long slabSizeBytes,
                         FaultDomainLevel faultDomain, ActorRef<StatusReply<VolumeInfo>> replyTo) implements Command
    {
    }

    public record Resize(long sizeBytes, ActorRef<StatusReply<VolumeInfo>> replyTo) implements Command
    {
    }

    public record Attach(String client, ActorRef<StatusReply<VolumeInfo>> replyTo) implements Command
    {
    }

    public record Detach(String client, ActorRef<StatusReply<VolumeInfo>> replyTo) implements Command
    {
    }

    public record Delete(boolean force, ActorRef<StatusReply<VolumeInfo>> replyTo) implements Command
    {
    }

    public record Get(ActorRef<StatusReply<VolumeInfo>> replyTo) implements Command
    {
    }

    public sealed interface Event extends CisternSerializable
    {
    }

    public record Created(VolumeInfo info) implements Event
    {
    }

    public record Resized(long sizeBytes) implements Event
    {
    }

    public record Attached(String client) implements Event
    {
    }

    public record Detached(String client) implements Event
    {
    }

    public record Deleted(long atMillis) implements Event
    {
    }

    public sealed interface State extends CisternSerializable
    {
    }

    /** No volume of this name (never created, or deleted). */
    public record Absent() implements State
    {
    }

    public record Live(VolumeInfo info) implements State
    {
    }

    // ---- behaviour ----

    private final String name;
    private final Clock clock;

    private Volume(final String name, final Clock clock)
    {
        super(PersistenceId.of(ENTITY_TYPE_KEY.name(), name));
        this.name = name;
        this.clock = clock;
    }

    public static Behavior<Command> create(final String name, final Clock clock)
    {
        return new Volume(name, clock);
    }

    @Override
    public State emptyState()
    {
        return new Absent();
    }

    @Override
    public RetentionCriteria retentionCriteria()
    {
        return RetentionCriteria.snapshotEvery(100, 2);
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
        builder.forStateType(Absent.class)
            .onCommand(Create.class, this::create)
            .onCommand(Resize.class, (s, c) -> noSuchVolume(c.replyTo()))
            .onCommand(Attach.class, (s, c) -> noSuchVolume(c.replyTo()))
            .onCommand(Detach.class, (s, c) -> noSuchVolume(c.replyTo()))
            .onCommand(Delete.class, (s, c) -> noSuchVolume(c.replyTo()))
            .onCommand(Get.class, (s, c) -> noSuchVolume(c.replyTo()));
        builder.forStateType(Live.class)
            .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(),
                StatusReply.error("a volume named " + name + " already exists")))
            .onCommand(Resize.class, this::resize)
            .onCommand(Attach.class, this::attach)
            .onCommand(Detach.class, this::detach)
            .onCommand(Delete.class, this::delete)
            .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())));
        return builder.build();
    }

    private ReplyEffect<Event, State> noSuchVolume(final ActorRef<StatusReply<VolumeInfo>> replyTo)
    {
        return Effect().reply(replyTo, StatusReply.error("no volume named " + name));
    }

    private ReplyEffect<Event, State> create(final Absent state, final Create command)
    {
        final String invalid = invalidSize(command.sizeBytes());
        if (invalid != null)
        {
            return Effect().reply(command.replyTo(), StatusReply.error(invalid));
        }
        final long volumeId = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        final VolumeInfo info = new VolumeInfo(name, volumeId, command.sizeBytes(), command.resiliency(), command.provisioning(),
            command.slabSizeBytes(), command.faultDomain(), clock.millis(), new ArrayList<>());
        return Effect().persist(new Created(info)).thenReply(command.replyTo(), s -> StatusReply.success(((Live)s).info()));
    }

    private ReplyEffect<Event, State> resize(final Live state, final Resize command)
    {
        final String invalid = invalidSize(command.sizeBytes());
        if (invalid != null)
        {
            return Effect().reply(command.replyTo(), StatusReply.error(invalid));
        }
        final long current = state.info().sizeBytes();
        if (command.sizeBytes() < current)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("volume " + name + " is " + ByteSize.format(current) +
                "; it can only grow (asked for " + ByteSize.format(command.sizeBytes()) + ")"));
        }
        if (command.sizeBytes() == current)
        {
            return Effect().reply(command.replyTo(), StatusReply.success(state.info()));
        }
        return Effect().persist(new Resized(command.sizeBytes()))
            .thenReply(command.replyTo(), s -> StatusReply.success(((Live)s).info()));
    }

    private ReplyEffect<Event, State> attach(final Live state, final Attach command)
    {
        if (state.info().attachments().contains(command.client()))
        {
            return Effect().reply(command.replyTo(), StatusReply.success(state.info()));
        }
        return Effect().persist(new Attached(command.client()))
            .thenReply(command.replyTo(), s -> StatusReply.success(((Live)s).info()));
    }

    private ReplyEffect<Event, State> detach(final Live state, final Detach command)
    {
        if (!state.info().attachments().contains(command.client()))
        {
            return Effect().reply(command.replyTo(), StatusReply.success(state.info()));
        }
        return Effect().persist(new Detached(command.client()))
            .thenReply(command.replyTo(), s -> StatusReply.success(((Live)s).info()));
    }

    private ReplyEffect<Event, State> delete(final Live state, final Delete command)
    {
        final ArrayList<String> attached = state.info().attachments();
        if (!attached.isEmpty() && !command.force())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("volume " + name + " is attached by " + attached +
                "; detach the clients first or delete with force"));
        }
        return Effect().persist(new Deleted(clock.millis())).thenReply(command.replyTo(), s -> StatusReply.success(state.info()));
    }

    private static String invalidSize(final long size)
    {
        if (size <= 0)
        {
            return "size must be positive";
        }
        if (size % BLOCK != 0)
        {
            return "size " + size + " is not a whole number of " + BLOCK + "-byte blocks";
        }
        return null;
    }

    @Override
    public EventHandler<State, Event> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState().onEvent(Event.class, Volume::apply).build();
    }

    /** The fold shared by the entity and read-side views of volumes. */
    public static State apply(final State state, final Event event)
    {
        if (event instanceof Created created)
        {
            return new Live(created.info());
        }
        if (event instanceof Deleted)
        {
            return new Absent();
        }
        final VolumeInfo info = ((Live)state).info();
        if (event instanceof Resized resized)
        {
            return new Live(info.withSize(resized.sizeBytes()));
        }
        final ArrayList<String> attachments = new ArrayList<>(info.attachments());
        if (event instanceof Attached attached)
        {
            attachments.add(attached.client());
        }
        else
        {
            attachments.remove(((Detached)event).client());
        }
        return new Live(info.withAttachments(attachments));
    }
}
