package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.health.HealthMonitor.Fault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The faults of the pool's drives, collapsed to their root cause: a node that is gone raises one
 * {@code NODE_DOWN} fault, not one per drive; a drive that failed, or lost communication while its node
 * is still there, raises its own. A pure function of the drives' statuses, tested directly.
 */
final class DriveFaults
{
    private DriveFaults()
    {
    }

    /** The nodes out of the cluster: every drive they have in the pool is out of communication. */
    static java.util.Set<String> downNodes(final List<DriveStatus> drives)
    {
        final java.util.Set<String> down = new java.util.TreeSet<>();
        byNode(drives).forEach((node, its) ->
        {
            if (isDown(its))
            {
                down.add(node);
            }
        });
        return down;
    }

    /** Out of communication, all of its drives but those that had failed before (which keep saying so). */
    private static boolean isDown(final List<DriveStatus> drives)
    {
        return drives.stream().anyMatch(d -> d.health() == DriveHealth.LOST_COMMUNICATION)
            && drives.stream().allMatch(d -> d.health() == DriveHealth.LOST_COMMUNICATION || d.health() == DriveHealth.UNHEALTHY);
    }

    private static Map<String, List<DriveStatus>> byNode(final List<DriveStatus> drives)
    {
        final Map<String, List<DriveStatus>> byNode = new TreeMap<>();
        for (final DriveStatus drive : drives)
        {
            if (drive.health() != DriveHealth.RETIRED)
            {
                byNode.computeIfAbsent(drive.info().node(), node -> new ArrayList<>()).add(drive);
            }
        }
        return byNode;
    }

    /** @param retireAfter how long a drive may be out of communication before its extents are rebuilt elsewhere. */
    static List<Fault> of(final List<DriveStatus> drives, final Duration retireAfter)
    {
        // A node is down when every drive it has in the pool is out of communication.
        final List<Fault> faults = new ArrayList<>();
        for (final Map.Entry<String, List<DriveStatus>> node : byNode(drives).entrySet())
        {
            final List<DriveStatus> its = node.getValue();
            if (isDown(its))
            {
                final long since = its.stream().mapToLong(DriveStatus::sinceMillis).min().orElseThrow();
                its.stream().filter(d -> d.health() == DriveHealth.UNHEALTHY).forEach(d -> faults.add(failed(d)));
                faults.add(new Fault("CRITICAL", "NODE_DOWN", "node " + node.getKey() + " (" + its.get(0).info().nodeAddress() + ")",
                    "the node is out of the cluster (" + its.get(0).detail() + "); its " + its.size() + " drive(s) serve no I/O, the " +
                    "volumes with copies there run on their other copies, and those copies are rebuilt elsewhere if the node is " +
                    "not back by " + Instant.ofEpochMilli(since + retireAfter.toMillis()) + " (cistern.repair.retire-after " +
                    retireAfter + ")", since));
                continue;
            }
            for (final DriveStatus drive : its)
            {
                final String subject = subject(drive);
                if (drive.health() == DriveHealth.UNHEALTHY)
                {
                    faults.add(failed(drive));
                }
                else if (drive.health() == DriveHealth.LOST_COMMUNICATION)
                {
                    faults.add(new Fault("WARNING", "DRIVE_LOST_COMMUNICATION", subject, drive.detail() + "; its extents are rebuilt " +
                        "elsewhere if it is not back by " + Instant.ofEpochMilli(drive.sinceMillis() + retireAfter.toMillis()) +
                        " (cistern.repair.retire-after " + retireAfter + ")", drive.sinceMillis()));
                }
            }
        }
        return faults;
    }

    private static Fault failed(final DriveStatus drive)
    {
        return new Fault("CRITICAL", "DRIVE_FAILED", subject(drive),
            drive.detail() + "; it takes no I/O and its extents are rebuilt on other drives", drive.sinceMillis());
    }

    /** How a fault names a drive: every drive fault of one drive names it the same way. */
    static String subject(final DriveStatus drive)
    {
        return "drive " + drive.id() + " (" + drive.info().node() + ", " + drive.info().path() + ")";
    }

    /** Why a drive's copies are moved, for the log. */
    static String why(final List<DriveStatus> drives, final String driveId, final Duration retireAfter)
    {
        for (final DriveStatus drive : drives)
        {
            if (drive.id().equals(driveId))
            {
                return drive.health() == DriveHealth.LOST_COMMUNICATION ?
                    "out of communication longer than " + retireAfter : drive.health() + " (" + drive.detail() + ")";
            }
        }
        return "unknown to the pool";
    }
}
