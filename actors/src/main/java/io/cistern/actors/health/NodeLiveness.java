package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which drives have lost their node: a pure decision the health monitor takes on every membership
 * change and reconcile tick.
 * <p>
 * A drive has lost its node when the node incarnation that registered it is no longer a live member
 * (it was downed or removed). An unreachable member that is not yet downed still counts as live: the
 * Split Brain Resolver decides when it is gone, not each observer.
 */
public final class NodeLiveness
{
    private NodeLiveness()
    {
    }

    /**
     * @param drives         every drive of the pool.
     * @param liveIncarnations uids of the members that are neither Down nor Removed.
     * @return the drives to report {@code LOST_COMMUNICATION}.
     */
    public static List<DriveStatus> lostDrives(final List<DriveStatus> drives, final Set<Long> liveIncarnations)
    {
        final List<DriveStatus> lost = new ArrayList<>();
        for (final DriveStatus drive : drives)
        {
            final boolean reportable = drive.health() != DriveHealth.LOST_COMMUNICATION && drive.health() != DriveHealth.RETIRED;
            if (reportable && !liveIncarnations.contains(drive.incarnation()))
            {
                lost.add(drive);
            }
        }
        return lost;
    }
}
