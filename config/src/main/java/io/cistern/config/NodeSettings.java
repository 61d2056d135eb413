package io.cistern.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What this node is: its name, where it keeps local state, the fault domain it belongs to and its drives
 * (and the media type of a drive that declares none, for drives that join while it runs).
 */
public record NodeSettings(String name, String host, String faultDomain, Path dataDir, List<DriveSettings> drives,
                           MediaType defaultMediaType)
{
}
