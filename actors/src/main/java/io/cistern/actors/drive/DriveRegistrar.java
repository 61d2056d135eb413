package io.cistern.actors.drive;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Announces this node's drives to the pool once the node is Up, and pins each drive's entity to
 * this node.
 * <p>
 * Order matters: the drive's entity first accepts the registration (refusing a drive id that another
 * node already has), and only then is its shard pinned here. Pinning first would move a copied drive's
 * entity away from the node that really owns it. Timeouts are retried; a refusal is final and reported
 * to {@code onRefused}, because a node must not serve a drive the pool says is someone else's.
 */
public final class DriveRegistrar
{
    public sealed interface Command
    {
    }

    public record GetProgress(ActorRef<Progress> replyTo) implements Command
    {
    }

    /**
     * The data plane failed one of this node's drives (an I/O error, or its probe): the drive's entity is
     * told, again until it has journalled it, so the pool rebuilds the drive's extents elsewhere.
     */
    public record ReportFailure(String driveId, String reason) implements Command
    {
    }

    private record RetryFailure(String driveId, String reason) implements Command
    {
    }

    /** @param error why the entity did not take the report, or null if it did. */
    private record FailureJournalled(String driveId, String error) implements Command
    {
    }

    /** How far registration has come; {@code refusal} is empty unless a drive was refused. */
    public record Progress(boolean memberUp, int registered, int total, String refusal)
    {
        public boolean complete()
        {
            return memberUp && registered == total && refusal.isEmpty();
        }
    }

    /** A drive this node cannot use; the node should stop. */
    public record Refused(String reason)
    {
    }

    private record Up() implements Command
    {
    }

    private record Accepted(DriveInfo info) implements Command
    {
    }

    private record Pinned(String driveId) implements Command
    {
    }

    private record Retry(DriveInfo info, String why) implements Command
    {
    }

    private record Rejected(String reason) implements Command
    {
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final List<DriveInfo> drives;
    private final ClusterSharding sharding;
    private final ExternalShardAllocationClient allocation;
    private final Duration askTimeout;
    private final ActorRef<Refused> onRefused;
    private final Address selfAddress;
    private final long incarnation;
    private final Set<String> registered = new HashSet<>();
    private final Set<String> failedSeen = new HashSet<>();
    private boolean memberUp;
    private String refusal = "";

    private DriveRegistrar(
        final ActorContext<Command> context,
        final TimerScheduler<Command> timers,
        final List<DriveInfo> drives,
        final ClusterSharding sharding,
        final ExternalShardAllocationClient allocation,
        final Duration askTimeout,
        final ActorRef<Refused> onRefused)
    {
        this.context = context;
        this.timers = timers;
        this.drives = List.copyOf(drives);
        this.sharding = sharding;
        this.allocation = allocation;
        this.askTimeout = askTimeout;
        this.onRefused = onRefused;
        final Cluster cluster = Cluster.get(context.getSystem());
        this.selfAddress = cluster.selfMember().address();
        this.incarnation = cluster.selfMember().uniqueAddress().longUid();
    }

    public static Behavior<Command> create(
        final List<DriveInfo> drives,
        final ClusterSharding sharding,
        final ExternalShardAllocationClient allocation,
        final Duration askTimeout,
        final ActorRef<Refused> onRefused)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            final ActorRef<SelfUp> upAdapter = context.messageAdapter(SelfUp.class, up -> new Up());
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(upAdapter, SelfUp.class));
            return new DriveRegistrar(context, timers, drives, sharding, allocation, askTimeout, onRefused).behavior();
        }));
    }

    private Behavior<Command> behavior()
    {
        return Behaviors.receive(Command.class)
            .onMessage(Up.class, up -> onUp())
            .onMessage(Accepted.class, this::onAccepted)
            .onMessage(Pinned.class, pinned -> onPinned(pinned))
            .onMessage(Retry.class, this::onRetry)
            .onMessage(RetryNow.class, now ->
            {
                register(now.info());
                return Behaviors.same();
            })
            .onMessage(Rejected.class, this::onRejected)
            .onMessage(ReportFailure.class, this::reportFailure)
            .onMessage(RetryFailure.class, this::tellFailure)
            .onMessage(FailureJournalled.class, done ->
            {
                if (done.error() == null)
                {
                    timers.cancel("failed-" + done.driveId());
                }
                else
                {
                    context.getLog().warn("The failure of drive {} is not journalled yet, telling it again: {}", done.driveId(),
                        done.error());
                }
                return Behaviors.same();
            })
            .onMessage(GetProgress.class, get -> reply(get))
            .build();
    }

    private Behavior<Command> onUp()
    {
        if (!memberUp)
        {
            memberUp = true;
            context.getLog().info("Member is Up; registering {} drive(s)", drives.size());
            drives.forEach(this::register);
        }
        return Behaviors.same();
    }

    private void register(final DriveInfo info)
    {
        context.askWithStatus(
            DriveStatus.class,
            sharding.entityRefFor(Drive.ENTITY_TYPE_KEY, info.id()),
            askTimeout,
            replyTo -> new Drive.Register(info, incarnation, replyTo),
            (status, failure) ->
            {
                if (failure == null)
                {
                    return new Accepted(info);
                }
                if (failure instanceof StatusReply.ErrorMessage refused)
                {
                    return new Rejected(refused.getMessage());
                }
                return new Retry(info, failure.toString());
            });
    }

    private Behavior<Command> onAccepted(final Accepted accepted)
    {
        final DriveInfo info = accepted.info();
        context.pipeToSelf(
            allocation.setShardLocation(info.id(), selfAddress),
            (done, failure) -> failure == null ? new Pinned(info.id()) : new Retry(info, "pinning failed: " + failure));
        return Behaviors.same();
    }

    private Behavior<Command> onPinned(final Pinned pinned)
    {
        if (registered.add(pinned.driveId()) && registered.size() == drives.size())
        {
            context.getLog().info("All {} drive(s) registered and pinned to {}", drives.size(), selfAddress);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onRetry(final Retry retry)
    {
        context.getLog().warn("Registering drive {} again in {}: {}", retry.info().id(), RETRY_AFTER, retry.why());
        timers.startSingleTimer("retry-" + retry.info().id(), new RetryNow(retry.info()), RETRY_AFTER);
        return Behaviors.same();
    }

    private Behavior<Command> reportFailure(final ReportFailure failure)
    {
        if (!failedSeen.add(failure.driveId()))
        {
            return Behaviors.same(); // reported already; the data plane tells again at every probe round
        }
        context.getLog().error("Drive {} failed and is stopped on this node: {}", failure.driveId(), failure.reason());
        return tellFailure(new RetryFailure(failure.driveId(), failure.reason()));
    }

    private Behavior<Command> tellFailure(final RetryFailure failure)
    {
        context.askWithStatus(
            DriveStatus.class,
            sharding.entityRefFor(Drive.ENTITY_TYPE_KEY, failure.driveId()),
            askTimeout,
            replyTo -> new Drive.ReportFailed(incarnation, failure.reason(), replyTo),
            (status, error) -> new FailureJournalled(failure.driveId(), error == null ? null : error.toString()));
        // Until the entity answers; a timeout or a refusal (not registered yet) tries again.
        timers.startSingleTimer("failed-" + failure.driveId(), failure, RETRY_AFTER.multipliedBy(5));
        return Behaviors.same();
    }

    private Behavior<Command> onRejected(final Rejected rejected)
    {
        context.getLog().error("Drive refused by the pool: {}", rejected.reason());
        if (refusal.isEmpty())
        {
            refusal = rejected.reason();
            onRefused.tell(new Refused(rejected.reason()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> reply(final GetProgress get)
    {
        get.replyTo().tell(new Progress(memberUp, registered.size(), drives.size(), refusal));
        return Behaviors.same();
    }

    private record RetryNow(DriveInfo info) implements Command
    {
    }
}
