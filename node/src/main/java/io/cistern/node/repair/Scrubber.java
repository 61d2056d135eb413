package io.cistern.node.repair;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Starts a scrub pass over this node's drives every {@code interval}, or when asked ({@code Start}), one
 * pass at a time: a node-local actor, the reading itself on the scrub thread ({@link ScrubTask}).
 */
public final class Scrubber
{
    public sealed interface Command
    {
    }

    /** Start a pass now, unless one is running. */
    public record Start() implements Command
    {
    }

    private record Done() implements Command
    {
    }

    private Scrubber()
    {
    }

    public static Behavior<Command> create(final Set<String> drives, final ScrubTask task, final Executor executor, final Jobs jobs,
                                    final Duration interval)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            timers.startTimerWithFixedDelay(new Start(), interval);
            return idle(drives, task, executor, jobs, context);
        }));
    }

    private static Behavior<Command> idle(final Set<String> drives, final ScrubTask task, final Executor executor, final Jobs jobs,
                                          final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context)
    {
        return Behaviors.receive(Command.class)
            .onMessage(Start.class, start ->
            {
                final Map<String, Jobs.Entry> byDrive = new LinkedHashMap<>();
                for (final String drive : new TreeSet<>(drives))
                {
                    byDrive.put(drive, jobs.start("SCRUB", 0, -1, -1, drive));
                }
                context.getLog().info("Scrub of {} drive(s) begins", byDrive.size());
                context.pipeToSelf(CompletableFuture.runAsync(() -> task.run(byDrive), executor), (ok, failure) ->
                {
                    if (failure != null)
                    {
                        byDrive.values().forEach(job -> job.finish(String.valueOf(failure)));
                    }
                    return new Done();
                });
                return running(drives, task, executor, jobs, context);
            })
            .onMessage(Done.class, done -> Behaviors.same())
            .build();
    }

    private static Behavior<Command> running(final Set<String> drives, final ScrubTask task, final Executor executor,
                                             final Jobs jobs, final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context)
    {
        return Behaviors.receive(Command.class)
            .onMessage(Start.class, start -> Behaviors.same())
            .onMessage(Done.class, done ->
            {
                context.getLog().info("Scrub pass done");
                return idle(drives, task, executor, jobs, context);
            })
            .build();
    }
}
