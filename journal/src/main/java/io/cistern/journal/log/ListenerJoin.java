package io.cistern.journal.log;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A node that is not a voter asks the group to take it as a listener, through Ratis's own
 * reconfiguration ({@code setConfiguration}, mode {@code ADD}: the configuration is kept and the node
 * added; a node already listed changes nothing). It asks each voter in turn, and the leader a follower
 * names, one at a time with no retries of their own (Ratis's client, left to itself, kept retrying a
 * dead voter), until one says yes or the member closes.
 */
final class ListenerJoin
{
    private static final Logger LOG = LoggerFactory.getLogger(ListenerJoin.class);

    private ListenerJoin()
    {
    }

    static void start(final RaftProperties properties, final RaftGroup voters, final RaftPeer self, final BooleanSupplier closed)
    {
        final Thread joiner = new Thread(() -> join(properties, voters, self, closed), "journal-join");
        joiner.setDaemon(true);
        joiner.start();
    }

    private static void join(final RaftProperties properties, final RaftGroup voters, final RaftPeer self, final BooleanSupplier closed)
    {
        String next = null;
        while (!closed.getAsBoolean())
        {
            final List<String> candidates = new ArrayList<>();
            if (next != null)
            {
                candidates.add(next);
            }
            voters.getPeers().forEach(v -> candidates.add(v.getId().toString()));
            next = null;
            for (final String candidate : candidates)
            {
                try (RaftClient admin = RaftClient.newBuilder()
                    .setProperties(properties)
                    .setRaftGroup(voters)
                    .setLeaderId(RaftPeerId.valueOf(candidate))
                    .setRetryPolicy(RetryPolicies.noRetry())
                    .build())
                {
                    final RaftClientReply reply = admin.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInNewConf(List.of())
                        .setListenersInNewConf(List.of(self))
                        .setMode(SetConfigurationRequest.Mode.ADD)
                        .build());
                    if (reply.isSuccess())
                    {
                        LOG.info("Joined the journal as a listener through {}", candidate);
                        return;
                    }
                    next = suggested(reply.getNotLeaderException());
                    if (next != null)
                    {
                        break;
                    }
                    LOG.debug("{} did not add this node: {}", candidate, reply.getException());
                }
                catch (final IOException | RuntimeException e)
                {
                    next = e instanceof NotLeaderException notLeader ? suggested(notLeader) : null;
                    if (next != null)
                    {
                        break;
                    }
                    LOG.debug("{} did not add this node: {}", candidate, e.toString());
                }
            }
            if (next == null)
            {
                try
                {
                    Thread.sleep(500); // bounded: every voter said no or did not answer; ask again
                }
                catch (final InterruptedException e)
                {
                    return;
                }
            }
        }
    }

    private static String suggested(final NotLeaderException notLeader)
    {
        return notLeader == null || notLeader.getSuggestedLeader() == null ? null : notLeader.getSuggestedLeader().getId().toString();
    }
}
