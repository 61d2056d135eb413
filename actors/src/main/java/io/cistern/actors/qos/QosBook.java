package io.cistern.actors.qos;

import io.cistern.actors.serialization.CisternSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

import java.util.ArrayList;

/**
 * Storage QoS for the whole cluster: one sharded, event-sourced entity ({@link #ENTITY_ID}) that holds the
 * policies, which volume is on which and the normalisation unit (persisted: {@link QosState}), and that
 * every node's governor reports its volumes' I/O to twice a second. Its {@link QosCoordinator} (in memory:
 * rebuilt from the next reports wherever the entity moves) answers each report with that node's share of
 * every limit, so a volume served through several nodes gets no more than its maximum in total, and keeps
 * minimums under contention ({@link MinimumControl}).
 */
public final class QosBook extends EventSourcedBehaviorWithEnforcedReplies<QosBook.Command, QosBook.Event, QosState>
{
    public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "QosBook");
    public static final String ENTITY_ID = "cluster";

    public sealed interface Command extends CisternSerializable
    {
    }

    /** Makes a policy ({@code replace}: or changes the one of its name, keeping its type). */
    public record Put(QosPolicy policy, boolean replace, ActorRef<Answer> replyTo) implements Command
    {
    }

    public record Delete(String policy, ActorRef<Answer> replyTo) implements Command
    {
    }

    /** Puts a volume on a policy, or ({@code policy} null) off any. */
    public record Assign(long volumeId, String volumeName, String policy, ActorRef<Answer> replyTo) implements Command
    {
    }

    public record SetNormalization(int bytes, ActorRef<Answer> replyTo) implements Command
    {
    }

    public record GetStatus(ActorRef<Status> replyTo) implements Command
    {
    }

    /**
     * A node's volumes over its last {@code intervalNanos}: every volume it has open, idle or not, answered
     * with the node's {@link Allocation}.
     */
    public record Report(String node, long intervalNanos, ArrayList<VolumeUsage> volumes, ActorRef<Allocation> replyTo)
        implements Command
    {
    }

    /**
     * One volume's I/O through one node over a report's interval.
     *
     * @param ios            normalised I/Os admitted.
     * @param busyNanos      the sum of its requests' times from arrival to answer (throttling included): over
     *                       the interval, the mean number outstanding.
     * @param throttledNanos the sum of the times its requests waited for the limit.
     */
    public record VolumeUsage(long volumeId, String volumeName, long ios, long bytes, long busyNanos, long throttledNanos)
        implements CisternSerializable
    {
    }

    /** A node's share of each limit, for each volume it reported. */
    public record Allocation(int normalizationBytes, ArrayList<Gate> gates) implements CisternSerializable
    {
    }

    /**
     * How fast one volume's I/O may go through the node. Volumes with the same {@code bucket} share one
     * allowance on the node (an aggregated policy's). Zero: no limit.
     */
    public record Gate(long volumeId, String bucket, double iopsPerSecond, double bytesPerSecond) implements CisternSerializable
    {
    }

    /** @param problem null when done; else what was wrong, of {@code kind}. */
    public record Answer(Problem kind, String problem) implements CisternSerializable
    {
        static final Answer OK = new Answer(null, null);
    }

    public enum Problem
    {
        BAD_REQUEST,
        NOT_FOUND,
        CONFLICT
    }

    /**
     * Everything {@code cistern qos list} shows: the settings, and each assigned or busy volume's last
     * round cluster-wide.
     */
    public record Status(int normalizationBytes, ArrayList<QosPolicy> policies, ArrayList<VolumeQos> volumes)
        implements CisternSerializable
    {
    }

    /**
     * @param policy          null if none.
     * @param normalizedIops  its normalised IOPS through every node, last round.
     * @param limitIops       the most it may have now (its maximum, or less while a minimum elsewhere needs it); 0: none.
     * @param throttledSeconds the time its requests waited for a limit since the coordinator started.
     * @param minimumUnmet    its minimum has stayed unmet with nothing left to throttle.
     */
    public record VolumeQos(long volumeId, String volumeName, String policy, double normalizedIops, double bytesPerSecond,
                            double limitIops, double throttledSeconds, boolean minimumUnmet) implements CisternSerializable
    {
    }

    public sealed interface Event extends CisternSerializable
    {
    }

    public record PolicyPut(QosPolicy policy) implements Event
    {
    }

    public record PolicyDeleted(String policy) implements Event
    {
    }

    public record Assigned(long volumeId, String volumeName, String policy) implements Event
    {
    }

    public record Unassigned(long volumeId) implements Event
    {
    }

    public record NormalizationSet(int bytes) implements Event
    {
    }

    private final QosCoordinator coordinator = new QosCoordinator();

    private QosBook(final String entityId)
    {
        super(PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId));
    }

    public static Behavior<Command> create(final String entityId)
    {
        return new QosBook(entityId);
    }

    @Override
    public QosState emptyState()
    {
        return QosState.EMPTY;
    }

    @Override
    public CommandHandlerWithReply<Command, Event, QosState> commandHandler()
    {
        return newCommandHandlerWithReplyBuilder().forAnyState()
            .onCommand(Put.class, (state, put) ->
            {
                final String problem = put.replace() ? state.changeProblem(put.policy()) : state.createProblem(put.policy());
                if (problem != null)
                {
                    final Problem kind = !put.replace() && state.policies().containsKey(put.policy().name()) ?
                        Problem.CONFLICT : Problem.BAD_REQUEST;
                    return Effect().reply(put.replyTo(), new Answer(kind, problem));
                }
                return Effect().persist(new PolicyPut(put.policy())).thenReply(put.replyTo(), next -> Answer.OK);
            })
            .onCommand(Delete.class, (state, delete) ->
            {
                final String problem = state.deleteProblem(delete.policy());
                if (problem != null)
                {
                    return Effect().reply(delete.replyTo(), new Answer(Problem.NOT_FOUND, problem));
                }
                return Effect().persist(new PolicyDeleted(delete.policy())).thenReply(delete.replyTo(), next -> Answer.OK);
            })
            .onCommand(Assign.class, (state, assign) ->
            {
                if (assign.policy() == null)
                {
                    return state.assignments().containsKey(assign.volumeId()) ?
                        Effect().persist(new Unassigned(assign.volumeId())).thenReply(assign.replyTo(), next -> Answer.OK) :
                        Effect().reply(assign.replyTo(), Answer.OK);
                }
                final String problem = state.assignProblem(assign.policy());
                if (problem != null)
                {
                    return Effect().reply(assign.replyTo(), new Answer(Problem.NOT_FOUND, problem));
                }
                return Effect().persist(new Assigned(assign.volumeId(), assign.volumeName(), assign.policy()))
                    .thenReply(assign.replyTo(), next -> Answer.OK);
            })
            .onCommand(SetNormalization.class, (state, set) ->
            {
                final String problem = QosState.normalizationProblem(set.bytes());
                if (problem != null)
                {
                    return Effect().reply(set.replyTo(), new Answer(Problem.BAD_REQUEST, problem));
                }
                return Effect().persist(new NormalizationSet(set.bytes())).thenReply(set.replyTo(), next -> Answer.OK);
            })
            .onCommand(GetStatus.class, (state, get) -> Effect().reply(get.replyTo(), coordinator.status(state, System.nanoTime())))
            .onCommand(Report.class, (state, report) ->
                Effect().reply(report.replyTo(), coordinator.report(state, report, System.nanoTime())))
            .build();
    }

    @Override
    public EventHandler<QosState, Event> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState()
            .onEvent(PolicyPut.class, (state, put) -> state.withPolicy(put.policy()))
            .onEvent(PolicyDeleted.class, (state, deleted) -> state.withoutPolicy(deleted.policy()))
            .onEvent(Assigned.class, (state, assigned) ->
                state.withAssignment(new QosState.Assignment(assigned.volumeId(), assigned.volumeName(), assigned.policy())))
            .onEvent(Unassigned.class, (state, unassigned) -> state.withoutAssignment(unassigned.volumeId()))
            .onEvent(NormalizationSet.class, (state, set) -> state.withNormalization(set.bytes()))
            .build();
    }
}
