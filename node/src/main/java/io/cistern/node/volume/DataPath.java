package io.cistern.node.volume;

import io.cistern.actors.volume.VolumeService;
import io.cistern.node.data.LayoutTable;
import io.cistern.node.data.OpenExtents;
import io.cistern.node.data.PeerRoutes;
import io.cistern.node.metrics.MetricsRegistry;

import java.time.Duration;

/**
 * What every volume served by a node shares: the volume service (for layouts the table lacks and for
 * marking copies stale), the layout table, the routes to every node's data server, the extent files this
 * node's data server has open (read directly) and the metrics registry.
 *
 * @param maxChunk largest piece of a request sent as one data-plane frame.
 * @param timeout  how long to wait for the control plane.
 */
public record DataPath(
    VolumeService service,
    LayoutTable layouts,
    PeerRoutes routes,
    OpenExtents openExtents,
    MetricsRegistry metrics,
    int maxChunk,
    Duration timeout)
{
}
