package io.cistern.actors.drive;

import io.cistern.actors.serialization.CisternSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
import java.util.Set;

/**
 * One drive of the pool: a sharded, event-sourced entity whose id is the UUID stamped on the drive.
 * <p>
 * The entity is pinned to the node that has the drive (see {@link DriveRegistrar}); when that node is
 * gone it may run elsewhere for a while, which is how its loss can still be recorded. Every report
 * about the drive names the node incarnation it is about, so a late report about a node that has
 * since restarted cannot overwrite the newer registration.
 */
public final class Drive extends EventSourcedBehaviorWithEnforcedReplies<Drive.Command, Drive.Event, Drive.State>
{
    public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Drive");
    /** Every drive event carries this tag; the pool view follows it. */
    public static final String TAG = "drive";

    // ---- protocol ----

    public sealed interface Command extends CisternSerializable
    {
    }

    /** The node that has the drive announces it (at every start). */
    public record Register(DriveInfo info, long incarnation, ActorRef<StatusReply<DriveStatus>> replyTo) implements Command
    {
    }

    /** The health monitor saw the drive's node incarnation leave the cluster. */
    public record ReportLostCommunication(long incarnation, String reason, ActorRef<StatusReply<DriveStatus>> replyTo)
        implements Command
    {
    }

    /**
     * The drive's node saw it fail an I/O or its probe: it is failed-stop there (takes no more I/O) and
     * becomes {@link DriveHealth#UNHEALTHY}, so its extents are rebuilt elsewhere. A restart of the node
     * tests the drive again: registering it makes it healthy if it answers.
     */
    public record ReportFailed(long incarnation, String reason, ActorRef<StatusReply<DriveStatus>> replyTo) implements Command
    {
    }

    /**
     * An administrator takes the drive out of the pool ({@code cistern drive retire}): it becomes
     * {@link DriveHealth#RETIRED}, gets no new extents, and its extents are rebuilt elsewhere. It stays
     * retired when its node restarts.
     */
    public record Retire(String reason, ActorRef<StatusReply<DriveStatus>> replyTo) implements Command
    {
    }

    public record GetStatus(ActorRef<StatusReply<DriveReport>> replyTo) implements Command
    {
    }

    /** A drive's status and the cluster address of the node its entity runs on now. */
    public record DriveReport(DriveStatus status, String runningOn) implements CisternSerializable
    {
    }

    public sealed interface Event extends CisternSerializable
    {
    }

    public record Registered(DriveInfo info, long incarnation, long atMillis) implements Event
    {
    }

    public record CommunicationLost(long incarnation, String reason, long atMillis) implements Event
    {
    }

    public record Failed(long incarnation, String reason, long atMillis) implements Event
    {
    }

    public record Retired(String reason, long atMillis) implements Event
    {
    }

    public sealed interface State extends CisternSerializable
    {
    }

    public record Unregistered() implements State
    {
    }

    public record Known(DriveStatus status) implements State
    {
    }

    // ---- behaviour ----

    private final String runningOn;
    private final Clock clock;

    private Drive(final String driveId, final String runningOn, final Clock clock)
    {
        super(PersistenceId.of(ENTITY_TYPE_KEY.name(), driveId));
        this.runningOn = runningOn;
        this.clock = clock;
    }

    public static Behavior<Command> create(final String driveId)
    {
        return create(driveId, Clock.systemUTC());
    }

    public static Behavior<Command> create(final String driveId, final Clock clock)
    {
        return Behaviors.setup(context -> new Drive(driveId, context.getSystem().address().toString(), clock));
    }

    @Override
    public State emptyState()
    {
        return new Unregistered();
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
        builder.forStateType(Unregistered.class)
            .onCommand(Register.class, (state, command) -> register(command))
            .onCommand(ReportLostCommunication.class, (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.error("drive is not registered")))
            .onCommand(ReportFailed.class, (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.error("drive is not registered")))
            .onCommand(Retire.class, (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.error("drive is not registered")))
            .onCommand(GetStatus.class, (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.error("drive is not registered")));
        builder.forStateType(Known.class)
            .onCommand(Register.class, this::reRegister)
            .onCommand(ReportLostCommunication.class, this::lostCommunication)
            .onCommand(ReportFailed.class, this::failed)
            .onCommand(Retire.class, this::retire)
            .onCommand(GetStatus.class, (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.success(new DriveReport(state.status(), runningOn))));
        return builder.build();
    }

    private ReplyEffect<Event, State> register(final Register command)
    {
        return Effect()
            .persist(new Registered(command.info(), command.incarnation(), clock.millis()))
            .thenReply(command.replyTo(), state -> StatusReply.success(((Known)state).status()));
    }

    private ReplyEffect<Event, State> reRegister(final Known state, final Register command)
    {
        final DriveStatus current = state.status();
        final DriveInfo known = current.info();
        final DriveInfo offered = command.info();
        if (!known.node().equals(offered.node()))
        {
            return Effect().reply(command.replyTo(), StatusReply.error(
                "drive " + offered.id() + " at " + offered.path() + " on node " + offered.node() +
                " is already registered to node " + known.node() + " at " + known.path() +
                "; a drive belongs to one node (is this a copy of that drive's directory?)"));
        }
        final boolean unchanged = known.equals(offered) &&
            current.incarnation() == command.incarnation() &&
            current.health() != DriveHealth.LOST_COMMUNICATION;
        if (unchanged)
        {
            // A retried registration: nothing new to journal (and a drive that failed since stays failed:
            // only a new incarnation of its node tests it again).
            return Effect().reply(command.replyTo(), StatusReply.success(current));
        }
        return register(command);
    }

    private ReplyEffect<Event, State> lostCommunication(final Known state, final ReportLostCommunication command)
    {
        final DriveStatus current = state.status();
        final boolean stale = current.incarnation() != command.incarnation();
        final boolean alreadyOff = current.health() == DriveHealth.LOST_COMMUNICATION || current.health() == DriveHealth.RETIRED;
        if (stale || alreadyOff)
        {
            return Effect().reply(command.replyTo(), StatusReply.success(current));
        }
        return Effect()
            .persist(new CommunicationLost(command.incarnation(), command.reason(), clock.millis()))
            .thenReply(command.replyTo(), next -> StatusReply.success(((Known)next).status()));
    }

    private ReplyEffect<Event, State> failed(final Known state, final ReportFailed command)
    {
        final DriveStatus current = state.status();
        final boolean stale = current.incarnation() != command.incarnation();
        if (stale || current.health() != DriveHealth.HEALTHY && current.health() != DriveHealth.WARNING)
        {
            return Effect().reply(command.replyTo(), StatusReply.success(current));
        }
        return Effect()
            .persist(new Failed(command.incarnation(), command.reason(), clock.millis()))
            .thenReply(command.replyTo(), next -> StatusReply.success(((Known)next).status()));
    }

    private ReplyEffect<Event, State> retire(final Known state, final Retire command)
    {
        final DriveStatus current = state.status();
        if (current.health() == DriveHealth.RETIRED)
        {
            return Effect().reply(command.replyTo(), StatusReply.success(current));
        }
        return Effect()
            .persist(new Retired(command.reason(), clock.millis()))
            .thenReply(command.replyTo(), next -> StatusReply.success(((Known)next).status()));
    }

    @Override
    public EventHandler<State, Event> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState()
            .onEvent(Event.class, Drive::apply)
            .build();
    }

    /**
     * The state after {@code event}: the one fold shared by the entity and every read-side view of
     * drives, so the two cannot disagree about what an event means.
     */
    public static State apply(final State state, final Event event)
    {
        if (event instanceof Registered registered)
        {
            return registered(state, registered);
        }
        final DriveStatus current = ((Known)state).status();
        if (event instanceof Failed failed)
        {
            return new Known(new DriveStatus(current.info(), current.incarnation(), DriveHealth.UNHEALTHY,
                "failed: " + failed.reason(), failed.atMillis(), current.allocatedBytes()));
        }
        if (event instanceof Retired retired)
        {
            return new Known(new DriveStatus(current.info(), current.incarnation(), DriveHealth.RETIRED,
                "retired: " + retired.reason(), retired.atMillis(), current.allocatedBytes()));
        }
        return lost(state, (CommunicationLost)event);
    }

    private static State registered(final State state, final Registered event)
    {
        final long allocated = state instanceof Known known ? known.status().allocatedBytes() : 0L;
        final boolean retired = state instanceof Known known && known.status().health() == DriveHealth.RETIRED;
        return new Known(new DriveStatus(
            event.info(),
            event.incarnation(),
            retired ? DriveHealth.RETIRED : DriveHealth.HEALTHY,
            retired ? "retired; its node is back" : "registered by node " + event.info().node(),
            event.atMillis(),
            allocated));
    }

    private static State lost(final State state, final CommunicationLost event)
    {
        final DriveStatus current = ((Known)state).status();
        return new Known(new DriveStatus(
            current.info(), current.incarnation(), DriveHealth.LOST_COMMUNICATION, event.reason(), event.atMillis(),
            current.allocatedBytes()));
    }
}
