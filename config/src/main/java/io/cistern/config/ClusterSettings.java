package io.cistern.config;

import java.time.Duration;
import java.util.List;

/**
 * Pekko Cluster membership: the node's own Artery port, where to find the cluster, and how long an
 * unreachable member is tolerated before the Split Brain Resolver downs it.
 *
 * @param id the cluster's id, which the API answers with so a client can tell two clusters on the same
 *           ports apart; null if none is configured.
 */
public record ClusterSettings(int port, List<HostPort> seedNodes, Duration downUnreachableAfter, String id)
{
}
