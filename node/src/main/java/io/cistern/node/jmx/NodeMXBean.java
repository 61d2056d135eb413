package io.cistern.node.jmx;

/** {@code io.cistern:type=Node,name=NODE}: this node, and what an administrator starts from it. */
public interface NodeMXBean
{
    String getName();

    /** Members of the cluster this node sees up. */
    int getClusterMembers();

    /** Requests this node's front ends answered with an error, over every volume. */
    long getFailedRequests();

    /** Starts a scrub pass on this node's copies now; says whether it did. */
    String scrub();
}
