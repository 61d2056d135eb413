package io.cistern.actors.volume;

import java.util.List;

/**
 * A volume's health as an administrator reads it, from its slabs' layouts: a pure function.
 *
 * @param state  HEALTHY, DEGRADED (redundancy reduced, data online), REPAIRING (a copy is being resynced)
 *               or INCOMPLETE (some data offline, or not writable).
 * @param reason why, in words; empty when healthy.
 */
public record VolumeHealth(String state, String reason)
{
    public static final String HEALTHY = "HEALTHY";
    public static final String DEGRADED = "DEGRADED";
    public static final String REPAIRING = "REPAIRING";
    public static final String INCOMPLETE = "INCOMPLETE";

    /** @param copies how many copies of each slab the volume keeps (its resiliency's). */
    public static VolumeHealth of(final List<SlabLayout> slabs, final int copies)
    {
        int offline = 0;
        int readOnly = 0;
        int stale = 0;
        int rebuilding = 0;
        int firstOffline = -1;
        int firstReadOnly = -1;
        for (final SlabLayout slab : slabs)
        {
            final int inSync = slab.inSyncCount();
            if (inSync == 0)
            {
                offline++;
                firstOffline = firstOffline < 0 ? slab.index() : firstOffline;
            }
            else if (inSync < SlabLayout.writeQuorum(copies))
            {
                readOnly++;
                firstReadOnly = firstReadOnly < 0 ? slab.index() : firstReadOnly;
            }
            for (final Extent extent : slab.extents())
            {
                stale += extent.state() == ExtentState.STALE || extent.state() == ExtentState.MISSING ? 1 : 0;
                rebuilding += extent.state() == ExtentState.REBUILDING ? 1 : 0;
            }
        }
        if (offline > 0)
        {
            return new VolumeHealth(INCOMPLETE, offline + " slab(s) have no copy in sync (first: slab " + firstOffline +
                "): their data is offline");
        }
        if (readOnly > 0)
        {
            return new VolumeHealth(INCOMPLETE, readOnly + " slab(s) have fewer than a majority of copies in sync (first: slab " +
                firstReadOnly + "): writes to them are refused");
        }
        if (rebuilding > 0)
        {
            return new VolumeHealth(REPAIRING, rebuilding + " copy(ies) being resynced, " + stale + " stale");
        }
        if (stale > 0)
        {
            return new VolumeHealth(DEGRADED, stale + " copy(ies) missed writes and wait for a resync; data online");
        }
        return new VolumeHealth(HEALTHY, "");
    }
}
