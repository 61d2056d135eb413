package io.cistern.node.api;

import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/pool}: the pool's capacity, its drives by health and media, and its nodes. */
public record PoolDocument(
    long totalBytes,
    long allocatedBytes,
    long freeBytes,
    int driveCount,
    Map<String, Integer> drivesByHealth,
    Map<String, Integer> drivesByMedia,
    List<NodeDocument> nodes)
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
