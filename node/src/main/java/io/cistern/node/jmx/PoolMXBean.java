package io.cistern.node.jmx;

/** {@code io.cistern:type=Pool}: the pool as this node's view has it. */
public interface PoolMXBean
{
    int getDrives();

    int getHealthyDrives();

    long getCapacityBytes();

    long getAllocatedBytes();

    int getVolumes();

    /** Rebalances the pool now (the health monitor's optimize); says what it planned. */
    String optimize();
}
