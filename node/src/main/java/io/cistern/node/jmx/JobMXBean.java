package io.cistern.node.jmx;

/** {@code io.cistern:type=Job,node=NODE,id=ID}: a repair job of this node (resync, rebuild, scrub). */
public interface JobMXBean
{
    String getId();

    String getType();

    String getState();

    long getBytesTotal();

    long getBytesDone();

    long getRate();

    String getDetail();
}
