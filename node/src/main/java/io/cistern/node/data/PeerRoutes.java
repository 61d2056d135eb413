package io.cistern.node.data;

import io.cistern.actors.volume.SlabLayout;
import io.cistern.transport.DataRequest;
import io.cistern.transport.DataStatus;
import io.cistern.transport.DataClient;

/**
 * Which data-plane client and channel reach a node's data server: this node's own over {@code aeron:ipc}
 * through its media driver, any other over the configured UDP channel. The one place that decides it;
 * the volume core, resync and scrub all ask here.
 */
public final class PeerRoutes
{
    private final DataEndpoints endpoints;
    private final DataClient remote;
    private final DataClient local;
    private final String localNode;

    public PeerRoutes(final DataEndpoints endpoints, final DataClient remote, final DataClient local, final String localNode)
    {
        this.endpoints = endpoints;
        this.remote = remote;
        this.local = local;
        this.localNode = localNode;
    }

    public String localNode()
    {
        return localNode;
    }

    public boolean isLocal(final String node)
    {
        return localNode.equals(node);
    }

    /** The client whose requests reach {@code node}'s data server. */
    public DataClient client(final String node)
    {
        return isLocal(node) ? local : remote;
    }

    /** The channel of {@code node}'s data server; null if it is not a member of the cluster now. */
    public String channel(final String node)
    {
        return isLocal(node) ? DataEndpoints.LOCAL : endpoints.serverChannel(node);
    }

    /**
     * Tells {@code node}'s data server that the slab's layout has reached {@code layout}'s epoch (a {@code FENCE}):
     * it serves nothing of the slab under an older one from then on. Waits at most {@code timeoutNs}.
     *
     * @param request the caller's request flyweight, refilled here.
     * @return a {@link DataStatus} code; NOT_CONNECTED for a node that is not a member.
     */
    public int fence(final String node, final SlabLayout layout, final long timeoutNs, final DataRequest request)
    {
        final String channel = channel(node);
        return channel == null ? DataStatus.NOT_CONNECTED :
            client(node).fence(request.server(channel).extent(layout.volumeId(), layout.index(), 0, layout.epoch()), timeoutNs);
    }

    /** Whether {@code node} is a member the cluster has not downed (see {@link DataEndpoints#isMember}). */
    public boolean isMember(final String node)
    {
        return endpoints.isMember(node);
    }
}
