package io.cistern.actors.health;

import io.cistern.actors.health.HealthMonitor.Fault;
import io.cistern.actors.pool.VolumeCopies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The volumes' faults, from their slabs' copies out of sync, collapsed to the root cause: copies out of
 * sync only on nodes that are down are that node's {@code NODE_DOWN}, not a fault per volume. A volume with
 * a slab that has no copy in sync is {@code VOLUME_INCOMPLETE} (CRITICAL) whatever the cause: its data
 * cannot be read. One whose copies out of sync are all being filled again is {@code VOLUME_REPAIRING} (INFO);
 * otherwise {@code VOLUME_DEGRADED} (WARNING). Pure, tested directly.
 */
final class VolumeFaults
{
    private VolumeFaults()
    {
    }

    /**
     * @param names     each volume's name by id (a volume not in it is not reported: it is new or deleted).
     * @param downNodes nodes out of the cluster ({@link DriveFaults#downNodes}).
     */
    static List<Fault> of(final List<VolumeCopies.Health> volumes, final Map<Long, String> names, final Set<String> downNodes,
                          final long now)
    {
        final List<Fault> faults = new ArrayList<>();
        for (final VolumeCopies.Health volume : volumes)
        {
            final String name = names.get(volume.volumeId());
            if (name == null)
            {
                continue;
            }
            final String subject = "volume " + name;
            final String where = "copies out of sync by node: " + volume.byNode();
            if (volume.noneInSync() > 0)
            {
                faults.add(new Fault("CRITICAL", "VOLUME_INCOMPLETE", subject, volume.noneInSync() + " slab(s) have no copy in sync: " +
                    "their data cannot be read or written until a copy is back (" + where + "); bring the nodes or drives " +
                    "that hold them back", now));
            }
            else if (volume.outOfSync() > 0 && !downNodes.containsAll(volume.byNode().keySet()))
            {
                if (volume.rebuilding() == volume.outOfSync())
                {
                    faults.add(new Fault("INFO", "VOLUME_REPAIRING", subject, volume.rebuilding() + " slab(s) have a copy being " +
                        "resynced or rebuilt (" + where + "); see cistern job list", now));
                }
                else
                {
                    faults.add(new Fault("WARNING", "VOLUME_DEGRADED", subject, volume.outOfSync() + " slab(s) have a copy out of " +
                        "sync, " + volume.rebuilding() + " of them being repaired (" + where + "); I/O goes on with the copies in " +
                        "sync, with less redundancy", now));
                }
            }
        }
        return faults;
    }
}
