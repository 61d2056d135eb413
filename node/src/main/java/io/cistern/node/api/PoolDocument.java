package io.cistern.node.api;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/pool}: the pool's capacity, its drives by health and media, and its nodes.
 *
 * @param provisionedBytes what the volumes would take if every byte of them were written (size times copies):
 *                         thin volumes may promise more than the pool has.
 * @param overcommitted    whether they do: a write may then find the pool full.
 */
public record PoolDocument(
    long totalBytes,
    long allocatedBytes,
    long freeBytes,
    int driveCount,
    Map<String, Integer> drivesByHealth,
    Map<String, Integer> drivesByMedia,
    List<NodeDocument> nodes,
    long provisionedBytes,
    boolean overcommitted)
{
    /**
     * A node of the pool: a cluster member, or a node known only from its drives (it is not a member now).
     *
     * @param status    the member's status ({@code Up}, {@code Leaving}, ...), or {@code Down} for a node that is
     *                  not a member.
     * @param reachable whether this node's view of the cluster can reach it.
     */
    public record NodeDocument(String name, String address, String status, boolean reachable, int drives)
    {
    }
}
