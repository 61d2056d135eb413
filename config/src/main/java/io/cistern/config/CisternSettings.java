package io.cistern.config;

/**
 * Every setting of a Cistern node, typed and validated. Built once at start by {@link SettingsReader};
 * nothing else in Cistern reads {@code cistern.*} keys.
 */
public record CisternSettings(
    NodeSettings node,
    ClusterSettings cluster,
    int managementPort,
    NbdSettings nbd,
    IscsiSettings iscsi,
    AeronSettings aeron,
    JournalSettings journal,
    HealthSettings health,
    VolumeSettings volume,
    RepairSettings repair,
    JmxSettings jmx,
    ApiSettings api)
{
    public int nbdPort()
    {
        return nbd.port();
    }
}
