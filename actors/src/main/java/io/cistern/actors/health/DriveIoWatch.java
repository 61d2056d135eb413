package io.cistern.actors.health;

import io.cistern.actors.perf.Perf;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The health monitor's child that asks every node's performance recorder, every {@code every}, what its
 * drives did in the last hour, and hands the answers to the monitor ({@link HealthMonitor.DriveIoSeen}),
 * which turns them into faults ({@link DriveIoFaults}). A node that does not answer is left out of that round.
 */
final class DriveIoWatch
{
    /** How far back each round looks. */
    static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration ASK = Duration.ofSeconds(5);

    sealed interface Command
    {
    }

    private record Round() implements Command
    {
    }

    private record Answered(List<Perf.DriveSummary> drives) implements Command
    {
    }

    private DriveIoWatch()
    {
    }

    static Behavior<Command> create(final ActorRef<HealthMonitor.Command> monitor, final Duration every)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            timers.startTimerWithFixedDelay(new Round(), every);
            return Behaviors.receive(Command.class)
                .onMessage(Round.class, round ->
                {
                    final long now = System.currentTimeMillis() / 1000;
                    context.pipeToSelf(summaries(context.getSystem(), now - WINDOW.getSeconds(), now), (drives, failure) ->
                        new Answered(drives));
                    return Behaviors.same();
                })
                .onMessage(Answered.class, answered ->
                {
                    if (answered.drives() != null)
                    {
                        monitor.tell(new HealthMonitor.DriveIoSeen(answered.drives()));
                    }
                    return Behaviors.same();
                })
                .build();
        }));
    }

    private static CompletionStage<List<Perf.DriveSummary>> summaries(final org.apache.pekko.actor.typed.ActorSystem<?> system,
                                                                      final long from, final long to)
    {
        return Perf.<Perf.DriveSummaries>askEvery(system, replyTo -> new Perf.GetDriveSummaries(from, to, replyTo), ASK)
            .thenApply(answers ->
            {
                final List<Perf.DriveSummary> drives = new ArrayList<>();
                answers.stream().filter(a -> a.answer() != null).forEach(a -> drives.addAll(a.answer().drives()));
                return drives;
            });
    }
}
