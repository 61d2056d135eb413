package io.cistern.node.api;

import io.cistern.actors.drive.DriveStatus;

import java.time.Instant;

/** One drive in {@code GET /api/v1/drives}. */
public record DriveDocument(
    String id,
    String node,
    String path,
    String mediaType,
    long capacityBytes,
    long allocatedBytes,
    String faultDomain,
    String health,
    String detail,
    String since)
{
    public static DriveDocument of(final DriveStatus status)
    {
        return new DriveDocument(
            status.id(),
            status.info().node(),
            status.info().path(),
            status.info().mediaType().name(),
            status.info().capacityBytes(),
            status.allocatedBytes(),
            status.info().faultDomain(),
            status.health().name(),
            status.detail(),
            Instant.ofEpochMilli(status.sinceMillis()).toString());
    }
}
