package io.cistern.actors.pool;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many of each volume's slabs lack a copy in sync, kept as layouts change (the pool view counts a
 * layout in when it is placed and out when it is replaced): what the health service needs for a volume's
 * faults without listing a million slabs on every reconcile. Not thread-safe: the pool view's actor owns it.
 */
public final class VolumeCopies
{
    /**
     * A volume's copies out of sync now.
     *
     * @param outOfSync  slabs with a copy that is not in sync (stale, rebuilding or missing).
     * @param noneInSync slabs with no copy in sync: their data cannot be read.
     * @param rebuilding slabs with a copy being filled (resync or rebuild).
     * @param byNode     the copies out of sync, by the node they are on.
     */
    public record Health(long volumeId, int outOfSync, int noneInSync, int rebuilding, Map<String, Integer> byNode)
    {
    }

    private static final class Counts
    {
        int outOfSync;
        int noneInSync;
        int rebuilding;
        final Map<String, Integer> byNode = new HashMap<>();

        boolean empty()
        {
            return outOfSync == 0 && noneInSync == 0 && rebuilding == 0 && byNode.isEmpty();
        }
    }

    private final Map<Long, Counts> byVolume = new HashMap<>();

    /** Counts a placed layout in ({@code sign} 1) or a replaced or freed one out (-1). */
    void count(final SlabLayout layout, final int sign)
    {
        if (layout.allInSync() && layout.inSyncCount() > 0)
        {
            return; // nearly every slab: nothing to count
        }
        final Counts counts = byVolume.computeIfAbsent(layout.volumeId(), id -> new Counts());
        boolean rebuilding = false;
        for (final Extent extent : layout.extents())
        {
            if (extent.state() != ExtentState.IN_SYNC && extent.state() != ExtentState.RETIRED)
            {
                counts.byNode.merge(extent.node(), sign, Integer::sum);
                counts.byNode.remove(extent.node(), 0);
                rebuilding |= extent.state() == ExtentState.REBUILDING;
            }
        }
        counts.outOfSync += layout.allInSync() ? 0 : sign;
        counts.noneInSync += layout.inSyncCount() == 0 ? sign : 0;
        counts.rebuilding += rebuilding ? sign : 0;
        if (counts.empty())
        {
            byVolume.remove(layout.volumeId());
        }
    }

    /** Every volume with a slab out of sync. */
    List<Health> all()
    {
        return byVolume.entrySet().stream().map(e -> new Health(e.getKey(), e.getValue().outOfSync, e.getValue().noneInSync,
            e.getValue().rebuilding, new TreeMap<>(e.getValue().byNode))).toList();
    }
}
