package io.cistern.actors.pool;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
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
 * This node's read-side view of the pool: every drive, volume and slab, folded from the journal's
 * tagged events with the same fold the entities use.
 * <p>
 * Reading the journal rather than asking the entities means the pool can be listed while a node is
 * down: its drives show their persisted state ({@code LOST_COMMUNICATION}) instead of an ask timing out.
 * A drive's allocated bytes are derived here from the placed slabs rather than journalled twice. The
 * view lags the journal by the read journal's refresh interval. If an event stream fails (the database
 * restarts, say) it is started again from the last offset seen.
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

    private record Seen(String tag, EventEnvelope envelope) implements Command
    {
    }

    private record StreamEnded(String tag, String why) implements Command
    {
    }

    private record Resume(String tag) implements Command
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
    private final SlabListener slabListener;
    private final Map<String, Drive.State> drives = new HashMap<>();
    private final Map<String, Volume.State> volumes = new HashMap<>();
    private final SlabStates slabs = new SlabStates();
    /** Ids of volumes seen deleted; a volume id is never reused (a new volume of the same name gets a new one). */
    private final java.util.Set<Long> deletedVolumes = new java.util.HashSet<>();
    private final Map<String, Offset> offsets = new HashMap<>();
    private final Map<String, UniqueKillSwitch> streams = new HashMap<>();
    private final java.nio.file.Path snapshotFile;
    private final ViewSnapshot.StateCodec codec;
    /** Events folded since the snapshot being written, or last written, was taken. */
    private long unsnapshotted;
    private boolean writing;

    private PoolView(final ActorContext<Command> context, final TimerScheduler<Command> timers, final EventsByTagQuery query,
                     final SlabListener slabListener, final java.nio.file.Path snapshotFile)
    {
        this.context = context;
        this.timers = timers;
        this.query = query;
        this.slabListener = slabListener;
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
    public static Behavior<Command> create(final EventsByTagQuery query, final SlabListener slabListener,
                                           final java.nio.file.Path snapshotFile)
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

    /** Takes the state of the last snapshot, if there is one this version can read; else the view starts empty. */
    private void restore()
    {
        if (!java.nio.file.Files.exists(snapshotFile))
        {
            return;
        }
        final long start = System.nanoTime();
        final ViewSnapshot.Contents contents;
        try
        {
            contents = ViewSnapshot.read(snapshotFile, codec);
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            context.getLog().warn("Setting the pool view's snapshot aside and folding the journal from its start: {}", ex.toString());
            return;
        }
        contents.offsets().forEach((tag, offset) -> offsets.put(tag, Offset.sequence(offset)));
        contents.drives().forEach((id, state) -> drives.put(id, (Drive.State) state));
        contents.volumes().forEach((id, state) -> volumes.put(id, (Volume.State) state));
        deletedVolumes.addAll(contents.deletedVolumes());
        slabs.restore(contents.slabs());
        // The data plane's layout table learns what the snapshot knew, as it would have from the events.
        deletedVolumes.forEach(slabListener::volumeDeleted);
        for (final Volume.State state : volumes.values())
        {
            if (state instanceof Volume.Live live)
            {
                slabListener.volumeResized(live.info().volumeId(), live.info().sizeBytes());
            }
        }
        slabs.forEachPlaced(slabListener::placed);
        context.getLog().info("Pool view restored from its snapshot in {} ms: {} drives, {} volumes, {} slabs, offsets {}",
            (System.nanoTime() - start) / 1_000_000, drives.size(), volumes.size(), contents.slabCount(), contents.offsets());
    }

    private void snapshot()
    {
        if (unsnapshotted == 0 || writing)
        {
            return;
        }
        final Map<String, Long> at = new HashMap<>();
        for (final Map.Entry<String, Offset> offset : offsets.entrySet())
        {
            if (!(offset.getValue() instanceof org.apache.pekko.persistence.query.Sequence sequence))
            {
                return; // a journal whose offsets are not orderings: nothing to resume from
            }
            at.put(offset.getKey(), sequence.value());
        }
        final ViewSnapshot.Contents contents = new ViewSnapshot.Contents(at, new HashMap<>(drives), new HashMap<>(volumes),
            new java.util.HashSet<>(deletedVolumes), slabs.copy());
        final long events = unsnapshotted;
        unsnapshotted = 0;
        writing = true;
        final java.util.concurrent.Executor blocking = context.getSystem().dispatchers()
            .lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
        final long start = System.nanoTime();
        context.pipeToSelf(java.util.concurrent.CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return ViewSnapshot.write(snapshotFile, contents, codec);
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }, blocking), (bytes, failure) -> new SnapshotWritten(events, bytes == null ? 0 : bytes, System.nanoTime() - start, failure));
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

    private void follow(final String tag)
    {
        final ActorRef<Command> self = context.getSelf();
        final Pair<UniqueKillSwitch, CompletionStage<Done>> running = query
            .eventsByTag(tag, offsets.getOrDefault(tag, Offset.noOffset()))
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
            .onMessage(Seen.class, this::onSeen)
            .onMessage(GetDrives.class, this::onGetDrives)
            .onMessage(GetVolumes.class, this::onGetVolumes)
            .onMessage(GetSlabs.class, this::onGetSlabs)
            .onMessage(GetOrphanSlabs.class, get ->
            {
                final List<SlabLayout> orphans = new ArrayList<>();
                for (final long volumeId : deletedVolumes)
                {
                    slabs.forEachPlaced(volumeId, orphans::add);
                }
                get.replyTo().tell(new OrphanSlabs(orphans));
                return Behaviors.same();
            })
            .onMessage(GetAllSlabs.class, get ->
            {
                final List<SlabLayout> placed = new ArrayList<>();
                slabs.forEachPlaced(placed::add);
                get.replyTo().tell(placed);
                return Behaviors.same();
            })
            .onMessage(StreamEnded.class, this::onStreamEnded)
            .onMessageEquals(SnapshotTick.INSTANCE, () ->
            {
                snapshot();
                return Behaviors.same();
            })
            .onMessage(SnapshotWritten.class, this::onSnapshotWritten)
            .onMessage(Resume.class, resume ->
            {
                follow(resume.tag());
                return Behaviors.same();
            })
            .onSignal(PostStop.class, stop ->
            {
                streams.values().forEach(UniqueKillSwitch::shutdown);
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> onSeen(final Seen seen)
    {
        final EventEnvelope envelope = seen.envelope();
        final Object event = envelope.event();
        final String id = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
        if (event instanceof Drive.Event e)
        {
            drives.put(id, Drive.apply(drives.getOrDefault(id, new Drive.Unregistered()), e));
        }
        else if (event instanceof Volume.Event e)
        {
            final Volume.State before = volumes.getOrDefault(id, new Volume.Absent());
            volumes.put(id, Volume.apply(before, e));
            if (e instanceof Volume.Deleted && before instanceof Volume.Live live)
            {
                deletedVolumes.add(live.info().volumeId());
                slabListener.volumeDeleted(live.info().volumeId());
            }
            else if (e instanceof Volume.Resized resized && before instanceof Volume.Live live)
            {
                slabListener.volumeResized(live.info().volumeId(), resized.sizeBytes());
            }
        }
        else if (event instanceof Slab.Event e)
        {
            // The entity id is the volume's id in hex and the slab's index (Slab.entityId).
            final int dash = id.lastIndexOf('-');
            final long volumeId = Long.parseUnsignedLong(id, 0, dash, 16);
            final int index = Integer.parseInt(id, dash + 1, id.length(), 10);
            final Slab.State next = Slab.apply(slabs.get(volumeId, index), e);
            slabs.put(volumeId, index, next);
            if (next instanceof Slab.Active active)
            {
                slabListener.placed(active.layout());
            }
            else if (e instanceof Slab.Freed freed)
            {
                slabListener.freed(freed.volumeId(), freed.index());
            }
        }
        offsets.put(seen.tag(), envelope.offset());
        unsnapshotted++;
        return Behaviors.same();
    }

    private Behavior<Command> onGetDrives(final GetDrives get)
    {
        final Map<String, Long> allocated = new HashMap<>();
        slabs.forEachPlaced(layout ->
        {
            for (final Extent extent : layout.extents())
            {
                if (extent.state() == ExtentState.RETIRED)
                {
                    continue; // handed over: its node deletes the file, the space is free again
                }
                allocated.merge(extent.driveId(), layout.extentBytes(), Long::sum);
            }
        });
        final List<DriveStatus> known = new ArrayList<>();
        for (final Map.Entry<String, Drive.State> entry : drives.entrySet())
        {
            if (entry.getValue() instanceof Drive.Known drive)
            {
                final DriveStatus s = drive.status();
                known.add(new DriveStatus(s.info(), s.incarnation(), s.health(), s.detail(), s.sinceMillis(),
                    allocated.getOrDefault(entry.getKey(), 0L)));
            }
        }
        known.sort(Comparator.comparing((DriveStatus s) -> s.info().node()).thenComparing(s -> s.info().path()));
        get.replyTo().tell(known);
        return Behaviors.same();
    }

    private Behavior<Command> onGetVolumes(final GetVolumes get)
    {
        final List<VolumeInfo> live = new ArrayList<>();
        for (final Volume.State state : volumes.values())
        {
            if (state instanceof Volume.Live volume)
            {
                live.add(volume.info());
            }
        }
        live.sort(Comparator.comparing(VolumeInfo::name));
        get.replyTo().tell(live);
        return Behaviors.same();
    }

    private Behavior<Command> onGetSlabs(final GetSlabs get)
    {
        final List<SlabLayout> placed = new ArrayList<>();
        slabs.forEachPlaced(get.volumeId(), placed::add);
        placed.sort(Comparator.comparingInt(SlabLayout::index));
        get.replyTo().tell(placed);
        return Behaviors.same();
    }

    private Behavior<Command> onStreamEnded(final StreamEnded ended)
    {
        context.getLog().warn("The {} event stream ended ({}); resuming from {} in {}", ended.tag(), ended.why(),
            offsets.get(ended.tag()), RESUME_AFTER);
        timers.startSingleTimer(new Resume(ended.tag()), RESUME_AFTER);
        return Behaviors.same();
    }
}
