package io.cistern.node.jmx;

/** {@code io.cistern:type=Volume,name=NAME}: one volume, with the I/O its clients did through this node. */
public interface VolumeMXBean
{
    String getName();

    long getSizeBytes();

    String getResiliency();

    String getProvisioning();

    int getAttachments();

    long getReads();

    long getWrites();

    long getBytesRead();

    long getBytesWritten();

    long getFailedRequests();

    double getReadLatencyP99Millis();

    double getWriteLatencyP99Millis();

    /** Storage QoS: normalised I/Os let through on this node. */
    long getQosNormalizedIos();

    /** Storage QoS: seconds the volume's requests waited for their allowance on this node. */
    double getQosThrottledSeconds();

    /** Storage QoS: this node's share of the volume's IOPS allowance now; 0 when it has none. */
    long getQosLimitIops();
}
