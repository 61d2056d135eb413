package io.cistern.node.data;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import scala.collection.Iterator;

import java.util.function.Consumer;

/**
 * Opens the data plane's streams to every peer as it joins the cluster, instead of on the first I/O to it.
 * <p>
 * A UDP stream in Aeron is set up by a round trip and the receiver's log buffers, which on a busy host
 * just after a start can take longer than a forwarded write may wait: the write then counted the peer as
 * missing it and a live copy was marked stale, and resynced. Each node opens its side (requests to the
 * peer's server, replies to the peer's client id), and the peer does the same, so both directions are
 * connected before the volumes get their first writes.
 */
public final class PeerStreams
{
    private PeerStreams()
    {
    }

    /**
     * @param self     this node's data endpoint ({@code host:port}); it is not its own peer.
     * @param openPeer told each peer's data endpoint ({@code host:port}) when it is seen up.
     */
    public static Behavior<ClusterEvent.MemberUp> create(final String self, final Consumer<String> openPeer)
    {
        return Behaviors.setup(context ->
        {
            final ActorRef<ClusterEvent.MemberUp> me = context.getSelf();
            // Typed subscriptions replay the current members as events, so peers up before this node are
            // opened too.
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(me, ClusterEvent.MemberUp.class));
            return Behaviors.receiveMessage(up ->
            {
                final String peer = dataEndpoint(up.member());
                if (peer != null && !peer.equals(self))
                {
                    openPeer.accept(peer);
                }
                return Behaviors.same();
            });
        });
    }

    /** The member's data endpoint from its {@link DataEndpoints#ROLE_PREFIX} role, or null if it has none. */
    static String dataEndpoint(final Member member)
    {
        final Iterator<String> roles = member.roles().iterator();
        while (roles.hasNext())
        {
            final String role = roles.next();
            if (role.startsWith(DataEndpoints.ROLE_PREFIX))
            {
                return role.substring(DataEndpoints.ROLE_PREFIX.length());
            }
        }
        return null;
    }
}
