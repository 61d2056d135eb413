package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.perf.Perf;
import io.cistern.config.MediaType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriveIoFaultsTest
{
    private static DriveStatus drive(final String id, final MediaType media, final DriveHealth health)
    {
        return new DriveStatus(new DriveInfo(id, "node-" + id, "pekko://cistern@127.0.0.1:1", "/d/" + id, media, 1000, "node-" + id), 1L,
            health, "", 0L, 0L);
    }

    private static List<String> kinds(final List<HealthMonitor.Fault> faults)
    {
        return faults.stream().map(f -> f.kind() + " " + f.subject()).toList();
    }

    private static final List<DriveStatus> DRIVES = List.of(drive("a", MediaType.SSD, DriveHealth.HEALTHY),
        drive("b", MediaType.SSD, DriveHealth.HEALTHY), drive("c", MediaType.SSD, DriveHealth.HEALTHY),
        drive("d", MediaType.SSD, DriveHealth.UNHEALTHY), drive("e", MediaType.HDD, DriveHealth.HEALTHY));

    @Test
    void aDriveWhoseBlocksFailedTheirChecksumIsAWarning()
    {
        final List<HealthMonitor.Fault> faults = DriveIoFaults.of(List.of(new Perf.DriveSummary("a", 500, 300, 0),
            new Perf.DriveSummary("b", 500, 300, 3), new Perf.DriveSummary("d", 500, 300, 9)), DRIVES, "the last hour", 0);
        assertEquals(List.of("DRIVE_CHECKSUM_ERRORS drive b (node-b, /d/b)"), kinds(faults), "d has failed already: a fault of its own");
        assertTrue(faults.get(0).description().startsWith("3 block(s) failed their checksum in the last hour"), faults.get(0).description());
    }

    @Test
    void aDriveFarSlowerThanItsPeersOfTheSameMediumIsAnOutlier()
    {
        final List<HealthMonitor.Fault> faults = DriveIoFaults.of(List.of(new Perf.DriveSummary("a", 5000, 400, 0),
            new Perf.DriveSummary("b", 5000, 500, 0), new Perf.DriveSummary("c", 5000, 45_000, 0),
            new Perf.DriveSummary("e", 5000, 90_000, 0)), DRIVES, "the last hour", 0);
        assertEquals(List.of("DRIVE_LATENCY_OUTLIER drive c (node-c, /d/c)"), kinds(faults),
            "c is 90 times its SSD peers' median; e is an HDD, with no peers to compare");
        assertTrue(faults.get(0).description().startsWith("a mean latency of 45.0 ms over 5000 operations in the last hour, 90 times"),
            faults.get(0).description());
    }

    @Test
    void slowButUnderTheFloorOrIdleIsNoFault()
    {
        assertEquals(List.of(), DriveIoFaults.of(List.of(new Perf.DriveSummary("a", 5000, 100, 0), new Perf.DriveSummary("b", 5000, 100, 0),
            new Perf.DriveSummary("c", 5000, 15_000, 0)), DRIVES, "the last hour", 0), "150 times, but 15 ms is no problem");
        assertEquals(List.of(), DriveIoFaults.of(List.of(new Perf.DriveSummary("a", 5000, 100, 0), new Perf.DriveSummary("b", 5000, 100, 0),
            new Perf.DriveSummary("c", 10, 900_000, 0)), DRIVES, "the last hour", 0), "ten operations say nothing");
    }
}
