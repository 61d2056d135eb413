package io.cistern.actors.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cistern.config.JournalSettings;

import java.util.Map;

/**
 * Points Pekko Persistence (journal, snapshots, read journal) at one JDBC database shared by every node:
 * H2 for a local cluster, PostgreSQL for a real one. The two differ only in URL, driver and Slick profile.
 */
public final class JournalConfig
{
    private JournalConfig()
    {
    }

    public static Config of(final JournalSettings journal)
    {
        final String db = "pekko-persistence-jdbc.shared-databases.slick";
        return ConfigFactory.parseMap(Map.of(
                db + ".profile", journal.kind().slickProfile(),
                db + ".db.url", journal.url(),
                db + ".db.user", journal.user(),
                db + ".db.password", journal.password(),
                db + ".db.driver", journal.kind().driverClass(),
                db + ".db.numThreads", journal.poolSize(),
                db + ".db.maxConnections", journal.poolSize(),
                db + ".db.minConnections", 1))
            .withFallback(ConfigFactory.parseResources("cistern-persistence.conf"))
            .withValue("pekko-persistence-jdbc.shared-databases.slick.db.connectionTimeout",
                ConfigValueFactory.fromAnyRef("10s"));
    }
}
