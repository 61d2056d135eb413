package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.config.MediaType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriveFaultsTest
{
    private static final Duration RETIRE_AFTER = Duration.ofMinutes(15);

    private static DriveStatus drive(final String id, final String node, final DriveHealth health, final long since)
    {
        return new DriveStatus(new DriveInfo(id, node, "pekko://cistern@127.0.0.1:2075" + node.charAt(node.length() - 1), "/d/" + id,
            MediaType.SSD, 1000, node), 1L, health, "node " + node + " left the cluster", since, 0L);
    }

    private static List<String> kindsAndSubjects(final List<HealthMonitor.Fault> faults)
    {
        return faults.stream().map(f -> f.kind() + " " + f.subject()).toList();
    }

    @Test
    void aNodeThatIsGoneIsOneFaultNotOnePerDrive()
    {
        final List<HealthMonitor.Fault> faults = DriveFaults.of(List.of(
            drive("a", "node-1", DriveHealth.HEALTHY, 0), drive("b", "node-1", DriveHealth.HEALTHY, 0),
            drive("c", "node-2", DriveHealth.LOST_COMMUNICATION, 5_000), drive("d", "node-2", DriveHealth.LOST_COMMUNICATION, 4_000),
            drive("e", "node-2", DriveHealth.RETIRED, 0)), RETIRE_AFTER);
        assertEquals(List.of("NODE_DOWN node node-2 (pekko://cistern@127.0.0.1:20752)"), kindsAndSubjects(faults));
        final HealthMonitor.Fault down = faults.get(0);
        assertEquals("CRITICAL", down.severity());
        assertEquals(4_000, down.sinceMillis(), "since its first drive was lost");
        assertTrue(down.description().contains("its 2 drive(s) serve no I/O"), down.description());
    }

    @Test
    void aDriveLostWhileItsNodeIsThereAndAFailedDriveAreFaultsOfTheirOwn()
    {
        final List<HealthMonitor.Fault> faults = DriveFaults.of(List.of(
            drive("a", "node-1", DriveHealth.HEALTHY, 0), drive("b", "node-1", DriveHealth.LOST_COMMUNICATION, 1_000),
            drive("c", "node-2", DriveHealth.UNHEALTHY, 2_000), drive("d", "node-2", DriveHealth.HEALTHY, 0)), RETIRE_AFTER);
        assertEquals(List.of("DRIVE_LOST_COMMUNICATION drive b (node-1, /d/b)", "DRIVE_FAILED drive c (node-2, /d/c)"),
            kindsAndSubjects(faults));
    }

    @Test
    void aHealthyPoolHasNoDriveFault()
    {
        assertEquals(List.of(), DriveFaults.of(List.of(drive("a", "node-1", DriveHealth.HEALTHY, 0),
            drive("b", "node-2", DriveHealth.RETIRED, 0)), RETIRE_AFTER));
    }

    @Test
    void aNodeWithAFailedDriveThatThenGoesIsStillDownAndTheFailedDriveStillItsOwnFault()
    {
        final List<HealthMonitor.Fault> faults = DriveFaults.of(List.of(drive("a", "node-1", DriveHealth.HEALTHY, 0),
            drive("c", "node-2", DriveHealth.LOST_COMMUNICATION, 5_000), drive("d", "node-2", DriveHealth.UNHEALTHY, 1_000)), RETIRE_AFTER);
        assertEquals(List.of("DRIVE_FAILED drive d (node-2, /d/d)", "NODE_DOWN node node-2 (pekko://cistern@127.0.0.1:20752)"),
            kindsAndSubjects(faults));
        assertEquals(java.util.Set.of("node-2"), DriveFaults.downNodes(List.of(drive("c", "node-2", DriveHealth.LOST_COMMUNICATION, 0),
            drive("d", "node-2", DriveHealth.UNHEALTHY, 0), drive("e", "node-3", DriveHealth.UNHEALTHY, 0))),
            "a node whose only drive failed is not down");
    }
}
