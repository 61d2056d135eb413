package io.cistern.actors.health;

import io.cistern.actors.pool.VolumeCopies;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeFaultsTest
{
    private static final Map<Long, String> NAMES = Map.of(1L, "vol1", 2L, "vol2");

    private static List<String> kinds(final List<HealthMonitor.Fault> faults)
    {
        return faults.stream().map(f -> f.severity() + " " + f.kind() + " " + f.subject()).toList();
    }

    @Test
    void copiesOutOfSyncOnlyOnANodeThatIsDownAreThatNodesFault()
    {
        final List<VolumeCopies.Health> health = List.of(new VolumeCopies.Health(1L, 4, 0, 0, Map.of("node-2", 4)),
            new VolumeCopies.Health(2L, 1, 0, 0, Map.of("node-2", 1, "node-3", 1)));
        assertEquals(List.of("WARNING VOLUME_DEGRADED volume vol2"), kinds(VolumeFaults.of(health, NAMES, Set.of("node-2"), 0)),
            "vol1's stale copies are all on node-2, which is down; vol2 has one on node-3, which is up");
        assertEquals(List.of("WARNING VOLUME_DEGRADED volume vol1", "WARNING VOLUME_DEGRADED volume vol2"),
            kinds(VolumeFaults.of(health, NAMES, Set.of(), 0)), "no node down: the volumes are degraded");
    }

    @Test
    void aSlabWithNoCopyInSyncIsIncompleteWhateverTheCause()
    {
        final List<HealthMonitor.Fault> faults = VolumeFaults.of(List.of(new VolumeCopies.Health(1L, 2, 1, 0, Map.of("node-2", 3))),
            NAMES, Set.of("node-2"), 0);
        assertEquals(List.of("CRITICAL VOLUME_INCOMPLETE volume vol1"), kinds(faults));
        assertTrue(faults.get(0).description().startsWith("1 slab(s) have no copy in sync"), faults.get(0).description());
    }

    @Test
    void copiesAllBeingFilledAgainAreRepairingAndAnUnknownVolumeIsNotReported()
    {
        assertEquals(List.of("INFO VOLUME_REPAIRING volume vol1"), kinds(VolumeFaults.of(
            List.of(new VolumeCopies.Health(1L, 3, 0, 3, Map.of("node-2", 3)), new VolumeCopies.Health(9L, 1, 0, 0, Map.of("node-1", 1))),
            NAMES, Set.of(), 0)));
    }
}
