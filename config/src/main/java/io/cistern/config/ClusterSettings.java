package io.cistern.config;

import java.time.Duration;
import java.util.List;

/**
 * Pekko Cluster membership: the node's own Artery port, where to find the cluster, and how long an
 * unreachable member is tolerated before the Split Brain Resolver downs it.
 */
public record ClusterSettings(int port, List<HostPort> seedNodes, Duration downUnreachableAfter)
{
}
