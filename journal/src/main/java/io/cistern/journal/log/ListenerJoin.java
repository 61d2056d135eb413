package io.cistern.journal.log;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A node that is not a member of the journal (a node added to the pool, or one the journal let go while
 * it was away) asks the leader to take it as a listener: a compare-and-set of the leader's configuration
 * plus this node ({@link Reconfiguration}). A node already in the configuration, as a voter or a
 * listener, changes nothing. It asks each known member in turn, and the leader a follower names, until
 * one has it in or the member closes.
 */
final class ListenerJoin
{
    private static final Logger LOG = LoggerFactory.getLogger(ListenerJoin.class);

    private ListenerJoin()
    {
    }

    static void start(final RaftProperties properties, final RaftGroup group, final LogSettings.Peer self, final BooleanSupplier closed)
    {
        final Thread joiner = new Thread(() -> join(properties, group, self, closed), "journal-join");
        joiner.setDaemon(true);
        joiner.start();
    }

    private static void join(final RaftProperties properties, final RaftGroup group, final LogSettings.Peer self, final BooleanSupplier closed)
    {
        String next = null;
        while (!closed.getAsBoolean())
        {
            final List<String> candidates = new ArrayList<>();
            if (next != null)
            {
                candidates.add(next);
            }
            group.getPeers().forEach(p ->
            {
                if (!p.getId().toString().equals(self.name()))
                {
                    candidates.add(p.getId().toString());
                }
            });
            next = null;
            for (final String candidate : candidates)
            {
                final Optional<Reconfiguration.Answer> answer = Reconfiguration.ask(properties, group, candidate);
                if (answer.isEmpty())
                {
                    continue;
                }
                final Members members = answer.get().members();
                if (members.contains(self.name()))
                {
                    LOG.info("This node is a member of the journal already ({})", members);
                    return;
                }
                if (!answer.get().fromLeader())
                {
                    next = answer.get().leader();
                    if (next != null)
                    {
                        break;
                    }
                    continue;
                }
                final List<LogSettings.Peer> listeners = new ArrayList<>(members.listeners());
                listeners.add(self);
                try
                {
                    final RaftClientReply reply = Reconfiguration.compareAndSet(properties, group, candidate, members,
                        new Members(members.voters(), listeners));
                    if (reply.isSuccess())
                    {
                        LOG.info("Joined the journal as a listener through {}", candidate);
                        return;
                    }
                    LOG.debug("{} did not add this node: {}", candidate, reply.getException());
                }
                catch (final IOException | RuntimeException e)
                {
                    LOG.debug("{} did not add this node: {}", candidate, e.toString());
                }
            }
            if (next == null)
            {
                try
                {
                    Thread.sleep(500); // bounded: no member answered or took it; ask again
                }
                catch (final InterruptedException e)
                {
                    return;
                }
            }
        }
    }
}
