package io.cistern.actors.health;

import io.cistern.actors.Samples;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeLivenessTest
{
    @Test
    void reportsOnlyDrivesOfGoneIncarnationsNotAlreadyOff()
    {
        final DriveStatus live = Samples.status(Samples.driveInfo("a", "node-1"), 1L, DriveHealth.HEALTHY);
        final DriveStatus gone = Samples.status(Samples.driveInfo("b", "node-2"), 2L, DriveHealth.HEALTHY);
        final DriveStatus goneWarning = Samples.status(Samples.driveInfo("c", "node-2"), 2L, DriveHealth.WARNING);
        final DriveStatus alreadyLost = Samples.status(Samples.driveInfo("d", "node-3"), 3L, DriveHealth.LOST_COMMUNICATION);
        final DriveStatus retired = Samples.status(Samples.driveInfo("e", "node-3"), 3L, DriveHealth.RETIRED);

        assertEquals(List.of(gone, goneWarning),
            NodeLiveness.lostDrives(List.of(live, gone, goneWarning, alreadyLost, retired), Set.of(1L)));
    }

    @Test
    void neverReportsADriveOfALiveIncarnation()
    {
        final Random random = new Random(7);
        for (int round = 0; round < 500; round++)
        {
            final List<DriveStatus> drives = new ArrayList<>();
            final Set<Long> live = new HashSet<>();
            for (int i = 0; i < 1 + random.nextInt(40); i++)
            {
                final long incarnation = random.nextInt(8);
                final DriveHealth health = DriveHealth.values()[random.nextInt(DriveHealth.values().length)];
                drives.add(Samples.status(Samples.driveInfo("d" + i, "node-" + incarnation), incarnation, health));
                if (random.nextBoolean())
                {
                    live.add(incarnation);
                }
            }
            for (final DriveStatus lost : NodeLiveness.lostDrives(drives, live))
            {
                assertTrue(!live.contains(lost.incarnation()), "reported a drive of a live node: " + lost);
                assertNotEquals(DriveHealth.LOST_COMMUNICATION, lost.health());
                assertNotEquals(DriveHealth.RETIRED, lost.health());
            }
        }
    }
}
