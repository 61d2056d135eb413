package io.cistern.actors.perf;

import io.cistern.actors.serialization.CisternSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The protocol of each node's performance recorder: the history it keeps of what its front ends and
 * drives did. Cluster-wide series are the sum of every node's: an API node finds the recorders through the
 * receptionist ({@link #KEY}) and asks each. Objects are named {@code volume/NAME}, {@code drive/ID} and
 * {@code node/NAME}; {@code node/*} asks a recorder for its own node's.
 */
public final class Perf
{
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "cistern-perf");

    private Perf()
    {
    }

    /** One recorder's answer to {@link #askEvery}, or null if it gave none within the time. */
    public record Answer<T>(ActorRef<Command> recorder, T answer)
    {
    }

    /**
     * Asks every node's recorder the receptionist lists, each at most {@code timeout}: one answer per recorder,
     * null from one that did not answer in time (its node may be down), so a round never waits on the slowest.
     */
    public static <T> CompletionStage<List<Answer<T>>> askEvery(final ActorSystem<?> system,
                                                               final Function<ActorRef<T>, Command> question, final Duration timeout)
    {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                replyTo -> Receptionist.find(KEY, replyTo), timeout, system.scheduler())
            .thenCompose(listing ->
            {
                final List<ActorRef<Command>> recorders = new ArrayList<>(listing.getServiceInstances(KEY));
                final List<CompletableFuture<T>> asks = new ArrayList<>();
                for (final ActorRef<Command> recorder : recorders)
                {
                    asks.add(AskPattern.<Command, T>ask(recorder, question::apply, timeout, system.scheduler())
                        .toCompletableFuture().exceptionally(failure -> null));
                }
                return CompletableFuture.allOf(asks.toArray(new CompletableFuture[0])).thenApply(done ->
                {
                    final List<Answer<T>> answers = new ArrayList<>();
                    for (int i = 0; i < asks.size(); i++)
                    {
                        answers.add(new Answer<>(recorders.get(i), asks.get(i).join()));
                    }
                    return answers;
                });
            });
    }

    /** Not sealed: the recorder (in the node module) adds its own timer message. */
    public interface Command
    {
    }

    /**
     * The object's samples from {@code fromSecond} to {@code toSecond} (epoch seconds) at the tier of
     * {@code resolution} seconds (10, 300 or 3600).
     */
    public record Query(String object, long fromSecond, long toSecond, int resolution, ActorRef<History> replyTo)
        implements Command, CisternSerializable
    {
    }

    /**
     * What one node has of the object: the series' names and, per interval it has a sample of, the interval's
     * start and each series' average over it. Empty if the node never served the object.
     */
    public record History(String node, String object, ArrayList<String> series, ArrayList<Point> points) implements CisternSerializable
    {
    }

    /** What each of the node's drives did from {@code fromSecond} to {@code toSecond}: for the health service. */
    public record GetDriveSummaries(long fromSecond, long toSecond, ActorRef<DriveSummaries> replyTo) implements Command, CisternSerializable
    {
    }

    public record DriveSummaries(String node, ArrayList<DriveSummary> drives) implements CisternSerializable
    {
    }

    /**
     * One drive over a window: its operations, their mean latency, and the blocks that failed their checksum.
     *
     * @param latencyMicros the mean over the window's operations; 0 without any.
     */
    public record DriveSummary(String driveId, double operations, double latencyMicros, double checksumErrors)
        implements CisternSerializable
    {
    }

    /** One interval: its start (epoch seconds) and a value per series, in the history's order. */
    public record Point(long epochSecond, ArrayList<Double> values) implements CisternSerializable
    {
    }
}
