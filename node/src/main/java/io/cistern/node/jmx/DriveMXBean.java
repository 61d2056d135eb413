package io.cistern.node.jmx;

/**
 * {@code io.cistern:type=Drive,node=NODE,id=ID}: one drive of the pool. Its I/O figures are what this
 * node's data server did on it (zero for another node's drive: ask that node).
 */
public interface DriveMXBean
{
    String getId();

    String getNode();

    String getPath();

    String getHealth();

    String getDetail();

    long getCapacityBytes();

    long getAllocatedBytes();

    long getReads();

    long getWrites();

    long getBytesRead();

    long getBytesWritten();

    long getIoErrors();

    long getChecksumFailures();

    double getReadLatencyP99Millis();

    double getWriteLatencyP99Millis();

    /** Takes the drive out of the pool (its extents are rebuilt elsewhere); says what the drive answered. */
    String retire(String reason);
}
