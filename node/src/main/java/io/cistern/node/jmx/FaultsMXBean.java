package io.cistern.node.jmx;

/** {@code io.cistern:type=Faults}: the health monitor's open faults. */
public interface FaultsMXBean
{
    int getCount();

    /** One line per fault: severity, kind, subject and description. */
    String[] getFaults();
}
