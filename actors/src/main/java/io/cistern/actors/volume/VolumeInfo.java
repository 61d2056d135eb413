package io.cistern.actors.volume;

import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.serialization.CisternSerializable;
import io.cistern.config.FaultDomainLevel;

import java.util.ArrayList;
import java.util.List;

/**
 * A volume as the control plane knows it.
 *
 * @param name          unique name; also the NBD export name.
 * @param volumeId      64-bit id used on the data plane and in extent file names.
 * @param sizeBytes     the size clients see.
 * @param slabSizeBytes size of each slab (and of each extent).
 * @param attachments   clients using the volume now (e.g. NBD connections), by id.
 */
public record VolumeInfo(
    String name,
    long volumeId,
    long sizeBytes,
    Resiliency resiliency,
    Provisioning provisioning,
    long slabSizeBytes,
    FaultDomainLevel faultDomain,
    long createdMillis,
    ArrayList<String> attachments) implements CisternSerializable
{
    public VolumeInfo
    {
        attachments = new ArrayList<>(attachments);
    }

    /** What the volume takes of the pool once every byte of it is written: its size times its copies. */
    public long provisionedBytes()
    {
        return sizeBytes * resiliency.copies();
    }

    public int slabCount()
    {
        return slabsFor(sizeBytes, slabSizeBytes);
    }

    public static int slabsFor(final long sizeBytes, final long slabSizeBytes)
    {
        return (int)((sizeBytes + slabSizeBytes - 1) / slabSizeBytes);
    }

    VolumeInfo withSize(final long newSize)
    {
        return new VolumeInfo(name, volumeId, newSize, resiliency, provisioning, slabSizeBytes, faultDomain, createdMillis, attachments);
    }

    VolumeInfo withAttachments(final List<String> newAttachments)
    {
        return new VolumeInfo(name, volumeId, sizeBytes, resiliency, provisioning, slabSizeBytes, faultDomain, createdMillis,
            new ArrayList<>(newAttachments));
    }
}
