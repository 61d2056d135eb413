package io.cistern.node.qos;

import io.cistern.actors.qos.QosBook;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

import java.time.Duration;

/**
 * This node's side of Storage QoS (an actor per node): every {@code every} it reports what each volume
 * served here did to the cluster's {@link QosBook} and applies the answer (this node's share of each
 * allowance) to its {@link QosGates}; a volume opened here for the first time is reported at once. A
 * report that goes unanswered (the book is moving to another node) leaves the allowances as they were.
 */
public final class QosGovernor
{
    /** How often a node reports; the coordinator's minimum control runs about as often. */
    public static final Duration EVERY = Duration.ofMillis(500);
    private static final Duration ASK = Duration.ofSeconds(2);

    sealed interface Command
    {
    }

    private record Tick() implements Command
    {
    }

    private record NewVolume() implements Command
    {
    }

    private record Answered(QosBook.Allocation allocation, Throwable failure) implements Command
    {
    }

    private final ActorContext<Command> context;
    private final QosGates gates;
    private final String node;
    private final EntityRef<QosBook.Command> book;
    private long lastReport = System.nanoTime();
    private boolean asking;
    private boolean again;
    private int failures;

    private QosGovernor(final ActorContext<Command> context, final QosGates gates, final String node)
    {
        this.context = context;
        this.gates = gates;
        this.node = node;
        this.book = ClusterSharding.get(context.getSystem()).entityRefFor(QosBook.ENTITY_TYPE_KEY, QosBook.ENTITY_ID);
    }

    public static Behavior<Command> create(final QosGates gates, final String node)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            timers.startTimerWithFixedDelay(new Tick(), EVERY);
            gates.onNewVolume(() -> context.getSelf().tell(new NewVolume()));
            return new QosGovernor(context, gates, node).behavior();
        }));
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(Tick.class, tick -> report())
            .onMessage(NewVolume.class, opened ->
            {
                if (asking)
                {
                    again = true; // right after the answer in flight
                    return Behaviors.same();
                }
                return report();
            })
            .onMessage(Answered.class, this::onAnswered)
            .build();
    }

    private Behavior<Command> report()
    {
        if (asking)
        {
            return Behaviors.same();
        }
        final long now = System.nanoTime();
        final long interval = now - lastReport;
        final java.util.ArrayList<QosBook.VolumeUsage> volumes = gates.sample();
        lastReport = now;
        if (volumes.isEmpty())
        {
            return Behaviors.same();
        }
        asking = true;
        context.ask(QosBook.Allocation.class, book, ASK, replyTo -> new QosBook.Report(node, interval, volumes, replyTo),
            Answered::new);
        return Behaviors.same();
    }

    private Behavior<Command> onAnswered(final Answered answered)
    {
        asking = false;
        if (answered.allocation() != null)
        {
            if (failures > 0)
            {
                context.getLog().info("The QoS coordinator answers again after {} unanswered report(s)", failures);
            }
            failures = 0;
            gates.apply(answered.allocation());
        }
        else if (failures++ == 0)
        {
            context.getLog().warn("The QoS coordinator did not answer ({}); allowances stay as they were until it does",
                answered.failure().toString());
        }
        if (again)
        {
            again = false;
            return report();
        }
        return Behaviors.same();
    }
}
