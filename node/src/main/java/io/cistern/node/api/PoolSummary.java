package io.cistern.node.api;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.config.MediaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums drives and members into the pool document. Pure: the route gathers the inputs.
 * <p>
 * Retired drives are not part of the pool's capacity; drives whose node is down still are (their data
 * is not gone, only unreachable), which is what an administrator planning capacity needs to see.
 */
public final class PoolSummary
{
    /** A cluster member as the summary needs it. */
    public record Member(String name, String address, String status, boolean reachable)
    {
    }

    private PoolSummary()
    {
    }

    public static PoolDocument summarise(final List<DriveStatus> drives, final List<Member> members,
                                         final List<io.cistern.actors.volume.VolumeInfo> volumes)
    {
        long provisioned = 0;
        for (final io.cistern.actors.volume.VolumeInfo volume : volumes)
        {
            provisioned += volume.provisionedBytes();
        }
        long total = 0;
        long allocated = 0;
        final Map<String, Integer> byHealth = new LinkedHashMap<>();
        for (final DriveHealth health : DriveHealth.values())
        {
            byHealth.put(health.name(), 0);
        }
        final Map<String, Integer> byMedia = new LinkedHashMap<>();
        for (final MediaType media : MediaType.values())
        {
            byMedia.put(media.name(), 0);
        }
        final Map<String, Integer> drivesPerNode = new TreeMap<>();
        final Map<String, String> addressOfNode = new TreeMap<>();
        for (final DriveStatus drive : drives)
        {
            if (drive.health() != DriveHealth.RETIRED)
            {
                total += drive.info().capacityBytes();
                allocated += drive.allocatedBytes();
            }
            byHealth.merge(drive.health().name(), 1, Integer::sum);
            byMedia.merge(drive.info().mediaType().name(), 1, Integer::sum);
            drivesPerNode.merge(drive.info().node(), 1, Integer::sum);
            addressOfNode.put(drive.info().node(), drive.info().nodeAddress());
        }

        final List<PoolDocument.NodeDocument> nodes = new ArrayList<>();
        final Map<String, Member> memberByName = new TreeMap<>();
        members.forEach(m -> memberByName.put(m.name(), m));
        final TreeMap<String, Boolean> names = new TreeMap<>();
        memberByName.keySet().forEach(n -> names.put(n, true));
        drivesPerNode.keySet().forEach(n -> names.put(n, true));
        for (final String name : names.keySet())
        {
            final Member member = memberByName.get(name);
            final int count = drivesPerNode.getOrDefault(name, 0);
            nodes.add(member != null ?
                new PoolDocument.NodeDocument(name, member.address(), member.status(), member.reachable(), count) :
                new PoolDocument.NodeDocument(name, addressOfNode.get(name), "Down", false, count));
        }
        return new PoolDocument(total, allocated, total - allocated, drives.size(), byHealth, byMedia, nodes, provisioned,
            provisioned > total);
    }
}
