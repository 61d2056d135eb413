package io.cistern.actors.pool;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * This node's read-side view of every drive in the pool, folded from the journal's drive events.
 * <p>
 * Reading the journal rather than asking the entities means the pool can be listed while a node is
 * down: its drives show their persisted state ({@code LOST_COMMUNICATION}) instead of an ask timing out.
 * The view lags the journal by the read journal's refresh interval. If the event stream fails (the
 * database restarts, say) it is started again from the last offset seen.
 */
public final class PoolView
{
    public sealed interface Command
    {
    }

    public record GetDrives(ActorRef<List<DriveStatus>> replyTo) implements Command
    {
    }

    private record Seen(EventEnvelope envelope) implements Command
    {
    }

    private record StreamEnded(String why) implements Command
    {
    }

    private record Resume() implements Command
    {
    }

    private static final Duration RESUME_AFTER = Duration.ofSeconds(2);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final EventsByTagQuery query;
    private final Map<String, Drive.State> drives = new HashMap<>();
    private Offset offset = Offset.noOffset();
    private UniqueKillSwitch killSwitch;

    private PoolView(final ActorContext<Command> context, final TimerScheduler<Command> timers, final EventsByTagQuery query)
    {
        this.context = context;
        this.timers = timers;
        this.query = query;
    }

    public static Behavior<Command> create(final EventsByTagQuery query)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            final PoolView view = new PoolView(context, timers, query);
            view.follow();
            return view.behavior();
        }));
    }

    private void follow()
    {
        final ActorRef<Command> self = context.getSelf();
        final Pair<UniqueKillSwitch, CompletionStage<Done>> running = query.eventsByTag(Drive.TAG, offset)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.foreach(envelope -> self.tell(new Seen(envelope))), Keep.both())
            .run(context.getSystem());
        killSwitch = running.first();
        context.pipeToSelf(running.second(), (done, failure) ->
            new StreamEnded(failure == null ? "completed" : failure.toString()));
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(Seen.class, this::onSeen)
            .onMessage(GetDrives.class, this::onGetDrives)
            .onMessage(StreamEnded.class, this::onStreamEnded)
            .onMessage(Resume.class, resume ->
            {
                follow();
                return Behaviors.same();
            })
            .onSignal(PostStop.class, stop ->
            {
                killSwitch.shutdown();
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> onSeen(final Seen seen)
    {
        final EventEnvelope envelope = seen.envelope();
        if (envelope.event() instanceof Drive.Event event)
        {
            final String driveId = envelope.persistenceId().substring(Drive.ENTITY_TYPE_KEY.name().length() + 1);
            drives.put(driveId, Drive.apply(drives.getOrDefault(driveId, new Drive.Unregistered()), event));
        }
        offset = envelope.offset();
        return Behaviors.same();
    }

    private Behavior<Command> onGetDrives(final GetDrives get)
    {
        final List<DriveStatus> known = new ArrayList<>();
        for (final Drive.State state : drives.values())
        {
            if (state instanceof Drive.Known drive)
            {
                known.add(drive.status());
            }
        }
        known.sort(Comparator.comparing((DriveStatus s) -> s.info().node()).thenComparing(s -> s.info().path()));
        get.replyTo().tell(known);
        return Behaviors.same();
    }

    private Behavior<Command> onStreamEnded(final StreamEnded ended)
    {
        context.getLog().warn("Drive event stream ended ({}); resuming from {} in {}", ended.why(), offset, RESUME_AFTER);
        timers.startSingleTimer(new Resume(), RESUME_AFTER);
        return Behaviors.same();
    }
}
