package io.cistern.config;

/**
 * Defaults for volumes.
 *
 * @param slabSizeBytes size of a slab, the unit of placement, repair and rebalancing.
 * @param faultDomain   what the copies of a slab must not share.
 */
public record VolumeSettings(long slabSizeBytes, FaultDomainLevel faultDomain)
{
}
