package io.cistern.node.process;

import io.cistern.journal.log.Members;
import io.cistern.journal.log.ReplicatedLog;
import io.cistern.journal.log.VoterPlan;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the replicated journal's voters among the living. Every node runs one; the one whose journal
 * member leads acts: it compares the journal's members with the cluster's (Pekko's membership: up and
 * reachable) and makes the change {@link VoterPlan} decides, through Ratis's reconfiguration. A voter the
 * cluster has been without for {@code cistern.repair.retire-after} (the timeout after which its drives'
 * extents are rebuilt elsewhere) gives its vote to a live listener, so the journal again survives the loss
 * of any one voter. Since when each member has been gone is counted on every node, so a new leader
 * needs no history but its own (it waits the whole timeout again: the safe side).
 */
public final class JournalSteward
{
    public sealed interface Command
    {
    }

    private record Tick() implements Command
    {
    }

    private record Reconfigured(VoterPlan.Change change, boolean done) implements Command
    {
    }

    private JournalSteward()
    {
    }

    public static Behavior<Command> create(final ReplicatedLog log, final Duration retireAfter, final int wantedVoters,
                                           final Duration interval, final Clock clock)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            timers.startTimerWithFixedDelay(new Tick(), interval);
            return new State(context, log, retireAfter.toMillis(), wantedVoters, clock).behavior();
        }));
    }

    private static final class State
    {
        private final ActorContext<Command> context;
        private final ReplicatedLog log;
        private final long retireAfterMillis;
        private final int wantedVoters;
        private final Clock clock;
        private final Map<String, Long> goneSince = new HashMap<>();
        private boolean changing;

        State(final ActorContext<Command> context, final ReplicatedLog log, final long retireAfterMillis, final int wantedVoters,
              final Clock clock)
        {
            this.context = context;
            this.log = log;
            this.retireAfterMillis = retireAfterMillis;
            this.wantedVoters = wantedVoters;
            this.clock = clock;
        }

        Behavior<Command> behavior()
        {
            return Behaviors.receive(Command.class)
                .onMessage(Tick.class, tick -> tick())
                .onMessage(Reconfigured.class, done ->
                {
                    changing = false;
                    if (done.done())
                    {
                        context.getLog().warn("The journal's members changed to {}: {}", done.change().next(), done.change().why());
                    }
                    return Behaviors.same();
                })
                .build();
        }

        private Behavior<Command> tick()
        {
            final Optional<Members> members = log.members();
            if (members.isEmpty())
            {
                return Behaviors.same(); // a change is under way
            }
            final long now = clock.millis();
            final Set<String> live = live();
            members.get().all().forEach(peer ->
            {
                if (live.contains(peer.name()))
                {
                    goneSince.remove(peer.name());
                }
                else
                {
                    goneSince.putIfAbsent(peer.name(), now);
                }
            });
            goneSince.keySet().removeIf(name -> !members.get().contains(name));
            if (changing || !log.leads())
            {
                return Behaviors.same();
            }
            final Optional<VoterPlan.Change> change =
                VoterPlan.next(members.get(), live, goneSince, now, retireAfterMillis, wantedVoters);
            if (change.isPresent())
            {
                changing = true;
                context.getLog().info("Changing the journal's members: {}", change.get().why());
                context.pipeToSelf(log.reconfigure(members.get(), change.get().next()),
                    (ok, failure) -> new Reconfigured(change.get(), failure == null && ok));
            }
            return Behaviors.same();
        }

        /** The nodes that are up and reachable, by name (their role {@code cistern-node=NAME}). */
        private Set<String> live()
        {
            final Cluster cluster = Cluster.get(context.getSystem());
            final Set<Member> unreachable = cluster.state().getUnreachable();
            final Set<String> live = new HashSet<>();
            for (final Member member : cluster.state().getMembers())
            {
                if ((member.status() == MemberStatus.up() || member.status() == MemberStatus.weaklyUp()) && !unreachable.contains(member))
                {
                    member.getRoles().stream().filter(r -> r.startsWith(PekkoConfig.NODE_ROLE_PREFIX))
                        .forEach(r -> live.add(r.substring(PekkoConfig.NODE_ROLE_PREFIX.length())));
                }
            }
            return live;
        }
    }
}
