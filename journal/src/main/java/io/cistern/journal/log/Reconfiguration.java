package io.cistern.journal.log;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftConfiguration;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Reading and changing the journal's membership through Ratis's own reconfiguration. Every change is a
 * compare-and-set against the configuration it was decided on, so two deciders (a joining listener and
 * the leader's steward) never overwrite each other: the loser reads again and decides again.
 * Each request goes to one member with no retries of its own (Ratis's client, left to itself, kept
 * retrying a dead member); callers choose whom to ask next.
 */
final class Reconfiguration
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Reconfiguration.class);

    private Reconfiguration()
    {
    }

    /** One member's answer: the configuration it has, and the leader it knows (null during an election). */
    record Answer(String from, Members members, boolean fromLeader, String leader)
    {
    }

    static Members of(final RaftConfiguration conf)
    {
        return new Members(peers(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)), peers(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
    }

    static Members of(final RaftConfigurationProto conf)
    {
        return new Members(protos(conf.getPeersList()), protos(conf.getListenersList()));
    }

    private static List<LogSettings.Peer> peers(final Collection<RaftPeer> peers)
    {
        return peers.stream().map(p -> new LogSettings.Peer(p.getId().toString(), p.getAddress())).toList();
    }

    private static List<LogSettings.Peer> protos(final List<RaftPeerProto> peers)
    {
        return peers.stream().map(p -> new LogSettings.Peer(p.getId().toStringUtf8(), p.getAddress())).toList();
    }

    static List<RaftPeer> raftPeers(final List<LogSettings.Peer> peers, final RaftPeerRole role)
    {
        return peers.stream().map(p -> RaftPeer.newBuilder().setId(p.name()).setAddress(p.address()).setStartupRole(role).build()).toList();
    }

    private static RaftClient admin(final RaftProperties properties, final RaftGroup group, final String member)
    {
        return RaftClient.newBuilder()
            .setProperties(properties)
            .setRaftGroup(group)
            .setLeaderId(RaftPeerId.valueOf(member))
            .setRetryPolicy(RetryPolicies.noRetry())
            .build();
    }

    /**
     * The members a group-info reply gives. Ratis 3.2.2 drops the reply's configuration on the wire
     * (RATIS-2601, fixed after that release); its group has every member too, listeners with the startup
     * role Cistern always gives them.
     */
    private static Members members(final GroupInfoReply info)
    {
        final Optional<RaftConfigurationProto> conf = info.getConf();
        if (conf.isPresent() && conf.get().getPeersCount() > 0)
        {
            return of(conf.get());
        }
        if (info.getGroup() == null)
        {
            return new Members(List.of(), List.of());
        }
        final Collection<RaftPeer> peers = info.getGroup().getPeers();
        return new Members(peers(peers.stream().filter(p -> p.getStartupRole() != RaftPeerRole.LISTENER).toList()),
            peers(peers.stream().filter(p -> p.getStartupRole() == RaftPeerRole.LISTENER).toList()));
    }

    /** Asks {@code member} for the group's configuration; empty if it did not answer or has none yet. */
    static Optional<Answer> ask(final RaftProperties properties, final RaftGroup group, final String member)
    {
        try (RaftClient client = admin(properties, group, member))
        {
            final GroupInfoReply info = client.getGroupManagementApi(RaftPeerId.valueOf(member)).info(group.getGroupId());
            final Members members = members(info);
            if (!info.isSuccess() || members.voters().isEmpty())
            {
                LOG.debug("{} has no configuration of the journal yet: {}", member, info);
                return Optional.empty();
            }
            final RoleInfoProto role = info.getRoleInfoProto();
            final boolean leads = role.getRole() == RaftPeerRole.LEADER;
            String leader = leads ? member : null;
            if (!leads && role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo())
            {
                final String id = role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8();
                leader = id.isEmpty() ? null : id;
            }
            return Optional.of(new Answer(member, members, leads, leader));
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.debug("{} did not say who the journal's members are: {}", member, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The configuration as the group has it now: the leader's, asked of each of {@code members} in turn
     * and of the leader a follower names; failing that, a follower's. Empty if no one answered (a whole
     * cluster starting at once).
     */
    static Optional<Answer> lookUp(final RaftProperties properties, final RaftGroup group, final List<String> members)
    {
        Answer any = null;
        for (final String member : members)
        {
            final Optional<Answer> answer = ask(properties, group, member);
            if (answer.isEmpty())
            {
                continue;
            }
            if (answer.get().fromLeader())
            {
                return answer;
            }
            if (answer.get().leader() != null && !members.contains(answer.get().leader()))
            {
                final Optional<Answer> leader = ask(properties, group, answer.get().leader());
                if (leader.isPresent() && leader.get().fromLeader())
                {
                    return leader;
                }
            }
            any = any == null ? answer.get() : any;
        }
        return Optional.ofNullable(any);
    }

    /** Changes the configuration from {@code from} to {@code to} through {@code leader}, if it is still {@code from}. */
    static RaftClientReply compareAndSet(final RaftProperties properties, final RaftGroup group, final String leader,
                                         final Members from, final Members to) throws IOException
    {
        try (RaftClient client = admin(properties, group, leader))
        {
            return client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(raftPeers(from.voters(), RaftPeerRole.FOLLOWER))
                .setListenersInCurrentConf(raftPeers(from.listeners(), RaftPeerRole.LISTENER))
                .setServersInNewConf(raftPeers(to.voters(), RaftPeerRole.FOLLOWER))
                .setListenersInNewConf(raftPeers(to.listeners(), RaftPeerRole.LISTENER))
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build());
        }
    }
}
