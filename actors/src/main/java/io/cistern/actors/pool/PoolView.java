package io.cistern.actors.pool;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This node's read-side view of the pool: every drive, volume and slab, folded from the journal's
 * tagged events ({@link PoolState}).
 * <p>
 * Reading the journal rather than asking the entities means the pool can be listed while a node is
 * down: its drives show their persisted state ({@code LOST_COMMUNICATION}) instead of an ask timing out.
 * A drive's allocated bytes are derived here from the placed slabs rather than journalled twice. The
 * view lags the journal by the read journal's refresh interval. If an event stream fails (the database
 * restarts, say) it is started again from the last offset seen.
 * <p>
 * With a snapshot file the view is written there every {@link #SNAPSHOT_EVERY} it changed, and a start
 * reads it and folds only the events after it ({@link ViewSnapshot}).
 */
public final class PoolView
{
    public sealed interface Command
    {
    }

    public record GetDrives(ActorRef<List<DriveStatus>> replyTo) implements Command
    {
    }

    public record GetVolumes(ActorRef<List<VolumeInfo>> replyTo) implements Command
    {
    }

    /** The placed slabs of a volume, by index. */
    public record GetSlabs(long volumeId, ActorRef<List<SlabLayout>> replyTo) implements Command
    {
    }

    /** Every placed slab of every volume. */
    public record GetAllSlabs(ActorRef<List<SlabLayout>> replyTo) implements Command
    {
    }

    /**
     * Placed slabs of volumes this view has seen deleted: a delete whose frees did not all land (a node
     * died, a thin slab was placed as the delete ran) leaves them, and the health monitor frees them.
     */
    public record GetOrphanSlabs(ActorRef<OrphanSlabs> replyTo) implements Command
    {
    }

    public record OrphanSlabs(List<SlabLayout> slabs)
    {
    }

    /** Every live volume with a slab out of sync, counted as the view folds (no listing of the slabs). */
    public record GetVolumeHealth(ActorRef<VolumeHealth> replyTo) implements Command
    {
    }

    public record VolumeHealth(List<VolumeCopies.Health> volumes)
    {
    }

    /**
     * Fold every event the journal has now (a read of the journal as of this moment, beside the live
     * streams), then tell the slab listener ({@link SlabListener#caughtUp}) and answer: one read for the
     * whole pool, where asking each slab's events would be a million reads.
     *
     * @param token passed on to the listener: the greatest of those asked before the read began.
     */
    public record CatchUp(long token, ActorRef<CaughtUp> replyTo) implements Command
    {
    }

    /** @param failure null when the view caught up; else why not (try again). */
    public record CaughtUp(String failure)
    {
    }

    private record Seen(String tag, EventEnvelope envelope) implements Command
    {
    }

    private record StreamEnded(String tag, String why) implements Command
    {
    }

    private record Resume(String tag) implements Command
    {
    }

    private record CatchUpRead(List<CatchUp> waiting, Throwable failure) implements Command
    {
    }

    private enum SnapshotTick implements Command
    {
        INSTANCE
    }

    private record SnapshotWritten(long events, long bytes, long nanos, Throwable failure) implements Command
    {
    }

    private static final Duration RESUME_AFTER = Duration.ofSeconds(2);
    /** How often a changed view is written to its snapshot file: what a restart folds again at most. */
    private static final Duration SNAPSHOT_EVERY = Duration.ofSeconds(30);
    private static final List<String> TAGS = List.of(Drive.TAG, Volume.TAG, Slab.TAG);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final EventsByTagQuery query;
    private final PoolState state;
    private final Map<String, UniqueKillSwitch> streams = new HashMap<>();
    private final Path snapshotFile;
    private final ViewSnapshot.StateCodec codec;
    /** Events folded since the snapshot being written, or last written, was taken. */
    private long unsnapshotted;
    private boolean writing;
    /** Who waits for the catch-up read under way; empty when none is. */
    private final List<CatchUp> catchingUp = new ArrayList<>();

    private PoolView(final ActorContext<Command> context, final TimerScheduler<Command> timers, final EventsByTagQuery query,
                     final SlabListener slabListener, final Path snapshotFile)
    {
        this.context = context;
        this.timers = timers;
        this.query = query;
        this.state = new PoolState(slabListener);
        this.snapshotFile = snapshotFile;
        this.codec = snapshotFile == null ? null : new SerializedStates(context.getSystem());
    }

    public static Behavior<Command> create(final EventsByTagQuery query)
    {
        return create(query, SlabListener.NONE);
    }

    public static Behavior<Command> create(final EventsByTagQuery query, final SlabListener slabListener)
    {
        return create(query, slabListener, null);
    }

    /**
     * @param snapshotFile where this node keeps the view between restarts ({@link ViewSnapshot}); null for none,
     *                     and the view folds every event at each start.
     */
    public static Behavior<Command> create(final EventsByTagQuery query, final SlabListener slabListener, final Path snapshotFile)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            final PoolView view = new PoolView(context, timers, query, slabListener, snapshotFile);
            if (snapshotFile != null)
            {
                view.restore();
                timers.startTimerWithFixedDelay(SnapshotTick.INSTANCE, SNAPSHOT_EVERY);
            }
            TAGS.forEach(view::follow);
            return view.behavior();
        }));
    }

    private void follow(final String tag)
    {
        final ActorRef<Command> self = context.getSelf();
        final Pair<UniqueKillSwitch, CompletionStage<Done>> running = query
            .eventsByTag(tag, state.offset(tag))
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.foreach(envelope -> self.tell(new Seen(tag, envelope))), Keep.both())
            .run(context.getSystem());
        streams.put(tag, running.first());
        context.pipeToSelf(running.second(), (done, failure) ->
            new StreamEnded(tag, failure == null ? "completed" : failure.toString()));
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(Seen.class, seen ->
            {
                unsnapshotted += state.apply(seen.tag(), seen.envelope()) ? 1 : 0;
                return Behaviors.same();
            })
            .onMessage(GetDrives.class, get ->
            {
                get.replyTo().tell(state.drives());
                return Behaviors.same();
            })
            .onMessage(GetVolumes.class, get ->
            {
                get.replyTo().tell(state.volumes());
                return Behaviors.same();
            })
            .onMessage(GetSlabs.class, get ->
            {
                get.replyTo().tell(state.slabs(get.volumeId()));
                return Behaviors.same();
            })
            .onMessage(GetOrphanSlabs.class, get ->
            {
                get.replyTo().tell(new OrphanSlabs(state.orphanSlabs()));
                return Behaviors.same();
            })
            .onMessage(GetVolumeHealth.class, get ->
            {
                get.replyTo().tell(new VolumeHealth(state.volumeHealth()));
                return Behaviors.same();
            })
            .onMessage(GetAllSlabs.class, get ->
            {
                get.replyTo().tell(state.allSlabs());
                return Behaviors.same();
            })
            .onMessage(CatchUp.class, this::onCatchUp)
            .onMessage(CatchUpRead.class, this::onCatchUpRead)
            .onMessage(StreamEnded.class, ended ->
            {
                context.getLog().warn("The {} event stream ended ({}); resuming from {} in {}", ended.tag(), ended.why(),
                    state.offset(ended.tag()), RESUME_AFTER);
                timers.startSingleTimer(new Resume(ended.tag()), RESUME_AFTER);
                return Behaviors.same();
            })
            .onMessage(Resume.class, resume ->
            {
                follow(resume.tag());
                return Behaviors.same();
            })
            .onMessageEquals(SnapshotTick.INSTANCE, () ->
            {
                snapshot();
                return Behaviors.same();
            })
            .onMessage(SnapshotWritten.class, this::onSnapshotWritten)
            .onSignal(PostStop.class, stop ->
            {
                streams.values().forEach(UniqueKillSwitch::shutdown);
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> onCatchUp(final CatchUp catchUp)
    {
        if (!(query instanceof CurrentEventsByTagQuery current))
        {
            catchUp.replyTo().tell(new CaughtUp("the read journal cannot read its current events by tag"));
            return Behaviors.same();
        }
        catchingUp.add(catchUp);
        if (catchingUp.size() > 1)
        {
            return Behaviors.same(); // the read under way answers this one too
        }
        // Each tag's current events after what the view has, told as the live stream's are: the fold skips
        // what it has already, and the read's completion reaches the mailbox after its last event.
        final ActorRef<Command> self = context.getSelf();
        CompletableFuture<Done> all = CompletableFuture.completedFuture(Done.getInstance());
        for (final String tag : TAGS)
        {
            final CompletionStage<Done> read = current.currentEventsByTag(tag, state.offset(tag))
                .runWith(Sink.foreach(envelope -> self.tell(new Seen(tag, envelope))), context.getSystem());
            all = all.thenCombine(read, (a, b) -> Done.getInstance());
        }
        final List<CatchUp> waiting = List.copyOf(catchingUp);
        context.pipeToSelf(all, (done, failure) -> new CatchUpRead(waiting, failure));
        return Behaviors.same();
    }

    private Behavior<Command> onCatchUpRead(final CatchUpRead read)
    {
        catchingUp.removeAll(read.waiting());
        if (read.failure() == null)
        {
            state.caughtUp(read.waiting().stream().mapToLong(CatchUp::token).max().orElseThrow());
        }
        final CaughtUp answer = new CaughtUp(read.failure() == null ? null : read.failure().toString());
        read.waiting().forEach(asked -> asked.replyTo().tell(answer));
        if (!catchingUp.isEmpty())
        {
            // Asked while the read ran: those need a read that began after they asked.
            final List<CatchUp> again = List.copyOf(catchingUp);
            catchingUp.clear();
            again.forEach(this::onCatchUp);
        }
        return Behaviors.same();
    }

    /** Takes the state of the last snapshot, if there is one this version can read; else the view starts empty. */
    private void restore()
    {
        if (!Files.exists(snapshotFile))
        {
            return;
        }
        final long start = System.nanoTime();
        final ViewSnapshot.Contents contents;
        try
        {
            contents = ViewSnapshot.read(snapshotFile, codec);
        }
        catch (final IOException | RuntimeException ex)
        {
            context.getLog().warn("Setting the pool view's snapshot aside and folding the journal from its start: {}", ex.toString());
            return;
        }
        state.restore(contents);
        context.getLog().info("Pool view restored from its snapshot in {} ms: {} drives, {} volumes, {} slabs, offsets {}",
            (System.nanoTime() - start) / 1_000_000, state.driveCount(), state.volumeCount(), contents.slabCount(), contents.offsets());
    }

    private void snapshot()
    {
        if (unsnapshotted == 0 || writing)
        {
            return;
        }
        final ViewSnapshot.Contents contents = state.contents();
        if (contents == null)
        {
            return; // a journal whose offsets are not orderings: nothing to resume from
        }
        final long events = unsnapshotted;
        unsnapshotted = 0;
        writing = true;
        final long start = System.nanoTime();
        final CompletableFuture<Long> written = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return ViewSnapshot.write(snapshotFile, contents, codec);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }, context.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
        context.pipeToSelf(written, (bytes, failure) ->
            new SnapshotWritten(events, bytes == null ? 0 : bytes, System.nanoTime() - start, failure));
    }

    private Behavior<Command> onSnapshotWritten(final SnapshotWritten written)
    {
        writing = false;
        if (written.failure() != null)
        {
            unsnapshotted += written.events(); // not covered after all: the next tick tries again
            context.getLog().warn("Writing the pool view's snapshot to {}: {}", snapshotFile, written.failure().toString());
        }
        else
        {
            context.getLog().debug("Pool view snapshot written: {} bytes in {} ms, {} events since the last",
                written.bytes(), written.nanos() / 1_000_000, written.events());
        }
        return Behaviors.same();
    }
}
