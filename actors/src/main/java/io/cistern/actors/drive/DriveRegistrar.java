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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * A drive joining this running node ({@code cistern drive add}): registered and pinned like the drives
     * found at start, answered once it is pinned here, or with the pool's refusal. A refused joining drive
     * does not stop the node, unlike a refused drive of its start: the node has served without it.
     */
    public record Join(DriveInfo info, ActorRef<StatusReply<DriveStatus>> replyTo) implements Command
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

    private record Accepted(DriveInfo info, DriveStatus status) implements Command
    {
    }

    private record Pinned(String driveId, DriveStatus status) implements Command
    {
    }

    private record Retry(DriveInfo info, String why) implements Command
    {
    }

    private record Rejected(String driveId, String reason) implements Command
    {
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    /** The drives found at start and those joined since, by id, in that order. */
    private final Map<String, DriveInfo> drives = new LinkedHashMap<>();
    /** The drives found at start: the node's readiness waits for these, not for drives that join later. */
    private final Set<String> startDriveIds;
    /** Joining drives' askers, answered when the drive is pinned or refused. */
    private final Map<String, List<ActorRef<StatusReply<DriveStatus>>>> joining = new HashMap<>();
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
        drives.forEach(drive -> this.drives.put(drive.id(), drive));
        this.startDriveIds = Set.copyOf(this.drives.keySet());
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
            .onMessage(Join.class, this::onJoin)
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
            drives.values().forEach(this::register);
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
                    return new Accepted(info, status);
                }
                if (failure instanceof StatusReply.ErrorMessage refused)
                {
                    return new Rejected(info.id(), refused.getMessage());
                }
                return new Retry(info, failure.toString());
            });
    }

    private Behavior<Command> onAccepted(final Accepted accepted)
    {
        final DriveInfo info = accepted.info();
        context.pipeToSelf(
            allocation.setShardLocation(info.id(), selfAddress),
            (done, failure) -> failure == null ? new Pinned(info.id(), accepted.status()) : new Retry(info, "pinning failed: " + failure));
        return Behaviors.same();
    }

    private Behavior<Command> onPinned(final Pinned pinned)
    {
        if (registered.add(pinned.driveId()) && startDriveIds.contains(pinned.driveId()) &&
            startDrivesRegistered() == startDriveIds.size())
        {
            context.getLog().info("All {} drive(s) registered and pinned to {}", startDriveIds.size(), selfAddress);
        }
        final List<ActorRef<StatusReply<DriveStatus>>> askers = joining.remove(pinned.driveId());
        if (askers != null)
        {
            context.getLog().info("Drive {} joined the pool from {}", pinned.driveId(), drives.get(pinned.driveId()).path());
            askers.forEach(asker -> asker.tell(StatusReply.success(pinned.status())));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onJoin(final Join join)
    {
        final DriveInfo info = join.info();
        final DriveInfo known = drives.get(info.id());
        if (known != null)
        {
            join.replyTo().tell(StatusReply.error("drive " + info.id() + " is already this node's drive at " + known.path()));
            return Behaviors.same();
        }
        drives.put(info.id(), info);
        joining.computeIfAbsent(info.id(), id -> new ArrayList<>()).add(join.replyTo());
        if (memberUp)
        {
            register(info);
        }
        return Behaviors.same();
    }

    private int startDrivesRegistered()
    {
        return (int)registered.stream().filter(startDriveIds::contains).count();
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
        final List<ActorRef<StatusReply<DriveStatus>>> askers = joining.remove(rejected.driveId());
        if (askers != null)
        {
            context.getLog().error("Joining drive {} refused by the pool: {}", rejected.driveId(), rejected.reason());
            drives.remove(rejected.driveId());
            askers.forEach(asker -> asker.tell(StatusReply.error(rejected.reason())));
            return Behaviors.same();
        }
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
        // Readiness is about the drives the node started with: a drive joining later does not take the node out of service.
        get.replyTo().tell(new Progress(memberUp, startDrivesRegistered(), startDriveIds.size(), refusal));
        return Behaviors.same();
    }

    private record RetryNow(DriveInfo info) implements Command
    {
    }
}
