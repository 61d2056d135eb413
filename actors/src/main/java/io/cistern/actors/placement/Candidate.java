package io.cistern.actors.placement;

/**
 * A drive as placement sees it.
 *
 * @param driveId        the drive's id.
 * @param node           the node that has it.
 * @param faultDomain    the node-level fault domain it belongs to.
 * @param capacityBytes  what it offers to the pool.
 * @param allocatedBytes what extents already hold on it.
 * @param healthy        only healthy drives receive new extents.
 */
public record Candidate(String driveId, String node, String faultDomain, long capacityBytes, long allocatedBytes, boolean healthy)
{
    public long freeBytes()
    {
        return capacityBytes - allocatedBytes;
    }

    public double utilisation()
    {
        return capacityBytes == 0 ? 1.0 : (double)allocatedBytes / capacityBytes;
    }

    public Candidate plus(final long bytes)
    {
        return new Candidate(driveId, node, faultDomain, capacityBytes, allocatedBytes + bytes, healthy);
    }
}
