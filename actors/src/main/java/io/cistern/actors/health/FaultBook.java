package io.cistern.actors.health;

import io.cistern.actors.health.HealthMonitor.Fault;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The health monitor's current faults, by the check that raised them. Each check replaces its own faults
 * whole on every reconcile: a fault it no longer reports is cleared, and one it reports again keeps the
 * time it was first seen, so a fault's age survives reconciles. Owned by the monitor's actor.
 */
final class FaultBook
{
    /** The checks, in the order their faults are listed. */
    enum Source
    {
        REBUILDS,
        DRIVES,
        DRIVE_IO,
        VOLUMES,
        CAPACITY,
        QOS
    }

    private final Map<Source, List<Fault>> bySource = new EnumMap<>(Source.class);
    /** When each fault was first seen, by kind and subject. */
    private final Map<String, Long> since = new HashMap<>();

    /**
     * What {@code source} reports now. A new fault's {@code sinceMillis} is when it was seen (its drive's
     * change, or now); a fault already known keeps its first sighting.
     */
    void replace(final Source source, final List<Fault> faults)
    {
        final List<Fault> dated = new ArrayList<>(faults.size());
        for (final Fault fault : faults)
        {
            final long first = since.computeIfAbsent(key(fault), key -> fault.sinceMillis());
            dated.add(new Fault(fault.severity(), fault.kind(), fault.subject(), fault.description(), first));
        }
        bySource.put(source, dated);
        final Set<String> current = new HashSet<>();
        bySource.values().forEach(listed -> listed.forEach(fault -> current.add(key(fault))));
        since.keySet().retainAll(current);
    }

    /** Every current fault, by source. */
    ArrayList<Fault> all()
    {
        final ArrayList<Fault> all = new ArrayList<>();
        for (final Source source : Source.values())
        {
            all.addAll(bySource.getOrDefault(source, List.of()));
        }
        return all;
    }

    private static String key(final Fault fault)
    {
        return fault.kind() + " " + fault.subject();
    }
}
