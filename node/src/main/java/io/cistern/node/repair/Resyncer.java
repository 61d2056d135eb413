package io.cistern.node.repair;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.node.data.LayoutTable;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Brings this node's stale copies back in sync: a node-local actor told of every slab layout this node
 * learns (the pool view replays them all at start, so a node that comes back finds every copy it missed
 * writes on). Each stale or rebuilding copy on this node's drives is queued, and resynced by a
 * {@link ResyncTask} on the resync threads, at most {@code concurrency} at once. A resync that fails is
 * tried again later if the copy is still out of sync; one left rebuilding by a crash is resumed from its
 * last checkpoint.
 */
public final class Resyncer
{
    public sealed interface Command
    {
    }

    /** A layout this node learned: any copy here that is out of sync gets a resync. */
    public record LayoutSeen(SlabLayout layout) implements Command
    {
    }

    private record Finished(Key key, Jobs.Entry job, ResyncTask.Outcome outcome) implements Command
    {
    }

    private record Retry(Key key) implements Command
    {
    }

    private record Key(long volumeId, int slab, int copy)
    {
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    /** Whether a drive is this node's and not failed: a failed drive's copies are rebuilt elsewhere, not here. */
    private final Predicate<String> usable;
    private final LayoutTable layouts;
    private final ResyncTask task;
    private final Executor executor;
    private final Jobs jobs;
    private final Duration retryAfter;
    private final int concurrency;
    private final Set<Key> queue = new LinkedHashSet<>();
    private final Set<Key> running = new java.util.HashSet<>();

    private Resyncer(final ActorContext<Command> context, final TimerScheduler<Command> timers, final Predicate<String> usable,
                     final LayoutTable layouts, final ResyncTask task, final Executor executor, final Jobs jobs,
                     final Duration retryAfter, final int concurrency)
    {
        this.concurrency = concurrency;
        this.context = context;
        this.timers = timers;
        this.usable = usable;
        this.layouts = layouts;
        this.task = task;
        this.executor = executor;
        this.jobs = jobs;
        this.retryAfter = retryAfter;
    }

    /** @param executor runs the blocking tasks: it must have at least {@code concurrency} threads. */
    public static Behavior<Command> create(final Predicate<String> usable, final LayoutTable layouts, final ResyncTask task,
                                    final Executor executor, final Jobs jobs, final Duration retryAfter, final int concurrency)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            new Resyncer(context, timers, usable, layouts, task, executor, jobs, retryAfter, concurrency).behavior()));
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(LayoutSeen.class, seen ->
            {
                seen(seen.layout());
                startNext();
                return Behaviors.same();
            })
            .onMessage(Retry.class, retry ->
            {
                final SlabLayout layout = layouts.get(retry.key().volumeId(), retry.key().slab());
                if (layout != null)
                {
                    seen(layout);
                }
                startNext();
                return Behaviors.same();
            })
            .onMessage(Finished.class, this::onFinished)
            .build();
    }

    private void seen(final SlabLayout told)
    {
        // The pool view may tell of a layout this node has already moved past (a resync here put the
        // copy back in sync before the journal's events caught up): the newest known one counts.
        final SlabLayout current = layouts.get(told.volumeId(), told.index());
        final SlabLayout layout = current != null && current.epoch() > told.epoch() ? current : told;
        for (final Extent extent : layout.extents())
        {
            if (!usable.test(extent.driveId()))
            {
                continue;
            }
            final Key key = new Key(layout.volumeId(), layout.index(), extent.copy());
            final boolean outOfSync = extent.state() == ExtentState.STALE || extent.state() == ExtentState.REBUILDING;
            if (outOfSync && !running.contains(key))
            {
                queue.add(key);
            }
            else if (!outOfSync)
            {
                queue.remove(key);
            }
        }
    }

    private void startNext()
    {
        while (running.size() < concurrency && !queue.isEmpty())
        {
            start(queue.iterator().next());
        }
    }

    private void start(final Key key)
    {
        queue.remove(key);
        running.add(key);
        final Jobs.Entry job = jobs.start("RESYNC", key.volumeId(), key.slab(), key.copy());
        context.getLog().info("Resync {} of copy {} of slab {} of volume {} begins", job.id, key.copy(), key.slab(),
            Long.toHexString(key.volumeId()));
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> task.run(key.volumeId(), key.slab(), key.copy(), job), executor),
            (outcome, failure) -> new Finished(key, job, outcome != null ? outcome :
                new ResyncTask.Outcome(key.volumeId(), key.slab(), key.copy(), 0, 0, false, String.valueOf(failure))));
    }

    private Behavior<Command> onFinished(final Finished finished)
    {
        running.remove(finished.key());
        finished.job().finish(finished.outcome());
        final ResyncTask.Outcome outcome = finished.outcome();
        if (outcome.done())
        {
            context.getLog().info("Resync {} of copy {} of slab {} of volume {} done: copied {} bytes{}", finished.job().id,
                outcome.copy(), outcome.slab(), Long.toHexString(outcome.volumeId()), outcome.copiedBytes(),
                outcome.mapLost() ? " (the whole extent: the write-intent map was lost)" : "");
        }
        else
        {
            context.getLog().warn("Resync {} of copy {} of slab {} of volume {} failed after {} bytes, tried again in {}: {}",
                finished.job().id, outcome.copy(), outcome.slab(), Long.toHexString(outcome.volumeId()), outcome.copiedBytes(),
                retryAfter, outcome.failure());
            timers.startSingleTimer(finished.key(), new Retry(finished.key()), retryAfter);
        }
        startNext();
        return Behaviors.same();
    }
}
