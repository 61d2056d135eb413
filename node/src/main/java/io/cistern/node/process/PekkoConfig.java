package io.cistern.node.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.actors.persistence.JournalConfig;
import io.cistern.config.CisternSettings;
import io.cistern.config.HostPort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Derives the Pekko configuration of a node from its validated Cistern settings, so an administrator
 * configures ports, seeds and the journal once, under {@code cistern.*}, and never in two places.
 * <p>
 * Precedence: values derived from {@code cistern.*} win; then anything the node's own file sets under
 * {@code pekko.*}; then Cistern's defaults ({@code cistern-pekko.conf}); then the libraries' references.
 */
public final class PekkoConfig
{
    /** The actor system's name; part of every cluster address ({@code pekko://cistern@host:port}). */
    public static final String SYSTEM_NAME = "cistern";
    /** Role prefix that carries the node's name into cluster membership. */
    public static final String NODE_ROLE_PREFIX = "cistern-node=";
    /** Every node's iSCSI portal, {@code host:port,group}, so that SendTargets through one node lists every path. */
    public static final String ISCSI_ROLE_PREFIX = "cistern-iscsi=";

    private PekkoConfig()
    {
    }

    public static Config forNode(final CisternSettings settings, final Config file)
    {
        final List<String> seeds = new ArrayList<>();
        for (final HostPort seed : settings.cluster().seedNodes())
        {
            seeds.add("pekko://" + SYSTEM_NAME + "@" + seed);
        }
        final String host = settings.node().host();
        final Config derived = ConfigFactory.parseMap(Map.of(
            "pekko.remote.artery.canonical.hostname", host,
            "pekko.remote.artery.canonical.port", settings.cluster().port(),
            "pekko.cluster.seed-nodes", seeds,
            "pekko.cluster.roles", List.of(NODE_ROLE_PREFIX + settings.node().name(),
                "cistern-data=" + host + ":" + settings.aeron().port(),
                ISCSI_ROLE_PREFIX + host + ":" + settings.iscsi().port() + "," + settings.iscsi().portalGroup()),
            "pekko.cluster.split-brain-resolver.stable-after", settings.cluster().downUnreachableAfter().toMillis() + "ms",
            "pekko.management.http.hostname", host,
            "pekko.management.http.port", settings.managementPort()));
        return derived
            .withFallback(file)
            .withFallback(JournalConfig.of(settings))
            .withFallback(ConfigFactory.parseResources("cistern-pekko.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    }

    public static String nodeName(final scala.collection.immutable.Set<String> roles)
    {
        final scala.collection.Iterator<String> it = roles.iterator();
        while (it.hasNext())
        {
            final String role = it.next();
            if (role.startsWith(NODE_ROLE_PREFIX))
            {
                return role.substring(NODE_ROLE_PREFIX.length());
            }
        }
        return "";
    }
}
