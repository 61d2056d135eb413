package io.cistern.node.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.config.CisternSettings;
import io.cistern.config.SettingsReader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PekkoConfigTest
{
    @Test
    void derivesPekkoKeysFromCisternSettings()
    {
        final Config file = ConfigFactory.parseString(
            "cistern { node.name = node-2, cluster { port = 17356, seed-nodes = [\"127.0.0.1:17355\", \"127.0.0.1:17356\"] }," +
            " management.port = 7627, journal { kind = postgres, url = \"jdbc:postgresql://127.0.0.1/cistern\" } }\n" +
            "pekko.loglevel = DEBUG\n" +
            "pekko.remote.artery.canonical.port = 1\n");
        final CisternSettings settings = SettingsReader.read(file.withFallback(ConfigFactory.defaultReference()).resolve());
        final Config pekko = PekkoConfig.forNode(settings, file);

        assertEquals(17356, pekko.getInt("pekko.remote.artery.canonical.port"), "cistern.cluster.port wins over pekko.*");
        assertEquals(List.of("pekko://cistern@127.0.0.1:17355", "pekko://cistern@127.0.0.1:17356"),
            pekko.getStringList("pekko.cluster.seed-nodes"));
        assertEquals(List.of("cistern-node=node-2", "cistern-data=127.0.0.1:40456", "cistern-iscsi=127.0.0.1:3260,2"),
            pekko.getStringList("pekko.cluster.roles"), "the iSCSI portal group comes from the node name's number");
        assertEquals(7627, pekko.getInt("pekko.management.http.port"));
        assertEquals("DEBUG", pekko.getString("pekko.loglevel"), "other pekko.* keys of the file are kept");
        assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider", pekko.getString("pekko.cluster.downing-provider-class"));
        assertEquals("keep-majority", pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"));
        assertEquals("7000ms", pekko.getString("pekko.cluster.split-brain-resolver.stable-after"));
        assertEquals("slick.jdbc.PostgresProfile$", pekko.getString("pekko-persistence-jdbc.shared-databases.slick.profile"));
        assertEquals("jdbc:postgresql://127.0.0.1/cistern", pekko.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
        assertEquals("off", pekko.getString("pekko.actor.allow-java-serialization"));
        assertEquals("jdbc-journal", pekko.getString("pekko.persistence.journal.plugin"));
    }
}
