package io.cistern.node.data;

import io.cistern.node.process.PekkoConfig;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import scala.collection.Iterator;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each node's data server listens, learned from cluster membership: every node carries its
 * Aeron endpoint in a role ({@code cistern-data=host:port}). A node's client id on the data plane is
 * derived from that endpoint, so a server can find the channel to answer a client on from the id alone.
 */
public final class DataEndpoints
{
    public static final String ROLE_PREFIX = "cistern-data=";
    /** A node's own front ends reach its data server through its media driver, not the network. */
    public static final String LOCAL = "aeron:ipc";

    private final Cluster cluster;
    private final ConcurrentHashMap<String, String> channelOfNode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> channelOfClient = new ConcurrentHashMap<>();

    public DataEndpoints(final Cluster cluster)
    {
        this.cluster = cluster;
    }

    public static String channel(final String hostPort)
    {
        // A 64 KiB MTU: a 1 MiB block moves in 17 datagrams instead of ~750 (loopback's MTU is 64 KiB).
        return "aeron:udp?endpoint=" + hostPort + "|mtu=65504";
    }

    /** The data-plane client id of the node whose data server listens on {@code hostPort}. */
    public static int clientId(final String hostPort)
    {
        return hostPort.hashCode() & 0x7fffffff;
    }

    /** The data server channel of the named node, or null if it is not a member now. */
    public String serverChannel(final String nodeName)
    {
        final String known = channelOfNode.get(nodeName);
        if (known != null)
        {
            return known;
        }
        refresh();
        return channelOfNode.get(nodeName);
    }

    /**
     * Whether the named node is a member the cluster has not downed or removed: one that is gone will not
     * answer again in this incarnation, so what only it could do must be given to another copy.
     */
    public boolean isMember(final String nodeName)
    {
        for (final Member member : cluster.state().getMembers())
        {
            final MemberStatus status = member.status();
            if (nodeName.equals(PekkoConfig.nodeName(member.roles())) &&
                (status == MemberStatus.up() || status == MemberStatus.weaklyUp() || status == MemberStatus.joining()))
            {
                return true;
            }
        }
        return false;
    }

    /** The reply channel of a client id, or null if no member has it. */
    public String replyChannel(final int clientId)
    {
        final String known = channelOfClient.get(clientId);
        if (known != null)
        {
            return known;
        }
        refresh();
        return channelOfClient.get(clientId);
    }

    private void refresh()
    {
        for (final Member member : cluster.state().getMembers())
        {
            final String name = PekkoConfig.nodeName(member.roles());
            final Iterator<String> roles = member.roles().iterator();
            while (roles.hasNext())
            {
                final String role = roles.next();
                if (role.startsWith(ROLE_PREFIX))
                {
                    final String hostPort = role.substring(ROLE_PREFIX.length());
                    channelOfNode.put(name, channel(hostPort));
                    channelOfClient.put(clientId(hostPort), channel(hostPort));
                }
            }
        }
    }
}
