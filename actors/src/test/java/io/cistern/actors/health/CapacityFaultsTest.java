package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.volume.Provisioning;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.FaultDomainLevel;
import io.cistern.config.MediaType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityFaultsTest
{
    private static DriveStatus drive(final String id, final long capacity, final long allocated, final DriveHealth health)
    {
        return new DriveStatus(new DriveInfo(id, "node-" + id, "pekko://cistern@127.0.0.1:1", "/d/" + id, MediaType.SSD, capacity,
            "node-" + id), 1L, health, "", 0L, allocated);
    }

    private static VolumeInfo volume(final long size)
    {
        return new VolumeInfo("v" + size, size, size, Resiliency.MIRROR_3, Provisioning.THIN, 1L << 20, FaultDomainLevel.NODE, 1L,
            new ArrayList<>());
    }

    private static List<String> kinds(final List<HealthMonitor.Fault> findings)
    {
        return findings.stream().map(f -> f.severity() + " " + f.kind()).toList();
    }

    @Test
    void aPoolWithRoomAndNoPromisesBeyondItHasNoFault()
    {
        assertEquals(List.of(), CapacityFaults.of(List.of(drive("1", 1000, 100, DriveHealth.HEALTHY), drive("2", 1000, 100,
            DriveHealth.HEALTHY), drive("3", 1000, 100, DriveHealth.HEALTHY)), List.of(volume(100)), 0));
        assertEquals(List.of(), CapacityFaults.of(List.of(), List.of(), 0), "no drives: nothing to say yet");
    }

    @Test
    void pastEightyPercentIsAWarningAndPastNinetyCritical()
    {
        final List<DriveStatus> eightyFive = List.of(drive("1", 1000, 850, DriveHealth.HEALTHY), drive("2", 1000, 850, DriveHealth.HEALTHY),
            drive("3", 1000, 850, DriveHealth.HEALTHY), drive("4", 1000, 850, DriveHealth.HEALTHY));
        assertTrue(kinds(CapacityFaults.of(eightyFive, List.of(), 0)).contains("WARNING POOL_CAPACITY"));
        final List<DriveStatus> ninetyFive = List.of(drive("1", 1000, 950, DriveHealth.HEALTHY), drive("2", 1000, 950, DriveHealth.HEALTHY));
        final List<HealthMonitor.Fault> full = CapacityFaults.of(ninetyFive, List.of(), 0);
        assertTrue(kinds(full).contains("CRITICAL POOL_CAPACITY"), full.toString());
        assertTrue(full.get(0).description().startsWith("95% of the pool's capacity is allocated"), full.get(0).description());
    }

    @Test
    void retiredDrivesAreNotCapacity()
    {
        // 500 of 1000 counted; with the retired drive's 1000 it would look half as full.
        final List<HealthMonitor.Fault> findings = CapacityFaults.of(List.of(drive("1", 500, 450, DriveHealth.HEALTHY),
            drive("2", 500, 450, DriveHealth.HEALTHY), drive("3", 1000, 0, DriveHealth.RETIRED)), List.of(), 0);
        assertTrue(kinds(findings).contains("WARNING POOL_CAPACITY"), findings.toString());
    }

    @Test
    void thinVolumesPromisingMoreThanThePoolHasAreOvercommitted()
    {
        final List<DriveStatus> drives = List.of(drive("1", 1000, 0, DriveHealth.HEALTHY), drive("2", 1000, 0, DriveHealth.HEALTHY),
            drive("3", 1000, 0, DriveHealth.HEALTHY));
        assertEquals(List.of(), CapacityFaults.of(drives, List.of(volume(1000)), 0), "3 copies of 1000 is exactly the pool");
        assertEquals(List.of("WARNING POOL_OVERCOMMITTED"), kinds(CapacityFaults.of(drives, List.of(volume(1000), volume(1)), 0)));
    }

    @Test
    void tooLittleFreeElsewhereToRebuildTheFullestDriveIsAWarning()
    {
        // Drive 1 holds 700; the others have 300 + 300 free: it could not be rebuilt.
        final List<HealthMonitor.Fault> short_ = CapacityFaults.of(List.of(drive("1", 1000, 700, DriveHealth.HEALTHY),
            drive("2", 1000, 700, DriveHealth.HEALTHY), drive("3", 1000, 700, DriveHealth.HEALTHY)), List.of(), 0);
        assertEquals(List.of("WARNING POOL_REBUILD_RESERVE"), kinds(short_));
        assertTrue(short_.get(0).description().contains("its 700 allocated bytes would not fit into the 600 bytes free"),
            short_.get(0).description());
        assertEquals(List.of(), CapacityFaults.of(List.of(drive("1", 1000, 400, DriveHealth.HEALTHY),
            drive("2", 1000, 400, DriveHealth.HEALTHY), drive("3", 1000, 400, DriveHealth.HEALTHY)), List.of(), 0));
    }
}
