package io.cistern.node.data;

import io.cistern.actors.volume.VolumeService;
import io.cistern.transport.DataClient;

import java.time.Duration;

/**
 * What every volume front end of a node shares: the volume service (for layouts the table lacks), the
 * layout table, the data plane's clients (UDP to other nodes, IPC to this one), the extent files this
 * node's data server has open (read directly), where data servers are, this node's name and the counters.
 *
 * @param maxChunk largest piece of a request sent as one data-plane frame.
 * @param timeout  how long to wait for the control plane.
 */
public record FrontEnd(
    VolumeService service,
    LayoutTable layouts,
    DataClient client,
    DataClient localClient,
    OpenExtents openExtents,
    DataEndpoints endpoints,
    String localNode,
    FrontEndCounters counters,
    int maxChunk,
    Duration timeout)
{
}
