package io.cistern.node.api;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.config.MediaType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PoolSummaryTest
{
    private static DriveStatus drive(final String id, final String node, final MediaType media, final long capacity,
                                     final long allocated, final DriveHealth health)
    {
        return new DriveStatus(new DriveInfo(id, node, "pekko://cistern@127.0.0.1:1" + node.charAt(node.length() - 1), "/d/" + id,
            media, capacity, node), 1L, health, "", 0L, allocated);
    }

    @Test
    void sumsCapacityAndCountsDrivesAndNodes()
    {
        final List<DriveStatus> drives = List.of(
            drive("a", "node-1", MediaType.SSD, 100, 10, DriveHealth.HEALTHY),
            drive("b", "node-1", MediaType.NVME, 200, 20, DriveHealth.HEALTHY),
            drive("c", "node-2", MediaType.SSD, 300, 0, DriveHealth.LOST_COMMUNICATION),
            drive("d", "node-2", MediaType.HDD, 400, 0, DriveHealth.RETIRED));
        final List<PoolSummary.Member> members = List.of(
            new PoolSummary.Member("node-1", "pekko://cistern@127.0.0.1:11", "Up", true),
            new PoolSummary.Member("node-3", "pekko://cistern@127.0.0.1:13", "Joining", true));

        final PoolDocument pool = PoolSummary.summarise(drives, members, List.of());

        assertEquals(600, pool.totalBytes(), "retired drives are not capacity; lost ones still are");
        assertEquals(30, pool.allocatedBytes());
        assertEquals(570, pool.freeBytes());
        assertEquals(4, pool.driveCount());
        assertEquals(2, pool.drivesByHealth().get("HEALTHY"));
        assertEquals(1, pool.drivesByHealth().get("LOST_COMMUNICATION"));
        assertEquals(0, pool.drivesByHealth().get("WARNING"));
        assertEquals(2, pool.drivesByMedia().get("SSD"));
        assertEquals(List.of(
                new PoolDocument.NodeDocument("node-1", "pekko://cistern@127.0.0.1:11", "Up", true, 2),
                new PoolDocument.NodeDocument("node-2", "pekko://cistern@127.0.0.1:12", "Down", false, 2),
                new PoolDocument.NodeDocument("node-3", "pekko://cistern@127.0.0.1:13", "Joining", true, 0)),
            pool.nodes(), "a node known only from its drives is Down; a member without drives is listed");
    }

    @Test
    void anEmptyPoolIsAllZeros()
    {
        final PoolDocument pool = PoolSummary.summarise(List.of(), List.of(), List.of());
        assertEquals(0, pool.totalBytes());
        assertEquals(0, pool.freeBytes());
        assertEquals(List.of(), pool.nodes());
    }

    private static io.cistern.actors.volume.VolumeInfo volume(final String name, final long size,
                                                              final io.cistern.actors.placement.Resiliency resiliency)
    {
        return new io.cistern.actors.volume.VolumeInfo(name, name.hashCode(), size, resiliency, io.cistern.actors.volume.Provisioning.THIN,
            1L << 20, io.cistern.config.FaultDomainLevel.NODE, 1L, new java.util.ArrayList<>());
    }

    @Test
    void thinVolumesThatPromiseMoreThanThePoolHasAreOvercommitted()
    {
        final List<DriveStatus> drives = List.of(drive("a", "node-1", MediaType.SSD, 1000, 0, DriveHealth.HEALTHY));
        final PoolDocument fits = PoolSummary.summarise(drives, List.of(),
            List.of(volume("v1", 300, io.cistern.actors.placement.Resiliency.MIRROR_3)));
        assertEquals(900, fits.provisionedBytes(), "size times copies");
        assertEquals(false, fits.overcommitted());
        final PoolDocument over = PoolSummary.summarise(drives, List.of(),
            List.of(volume("v1", 300, io.cistern.actors.placement.Resiliency.MIRROR_3),
                volume("v2", 100, io.cistern.actors.placement.Resiliency.MIRROR_2)));
        assertEquals(1100, over.provisionedBytes());
        assertEquals(true, over.overcommitted());
    }
}
