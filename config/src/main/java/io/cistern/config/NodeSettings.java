package io.cistern.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What this node is: its name, where it keeps local state, the fault domain it belongs to and its drives.
 */
public record NodeSettings(String name, String host, String faultDomain, Path dataDir, List<DriveSettings> drives)
{
}
