package io.cistern.actors.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cistern.config.CisternSettings;
import io.cistern.config.JournalSettings;
import io.cistern.journal.plugin.RaftReadJournal;
import io.cistern.journal.plugin.ReplicatedJournal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Points Pekko Persistence (journal, snapshots, read journal) at the journal a node is configured for:
 * the replicated journal the nodes keep themselves (module {@code journal}), or one JDBC database shared
 * by every node (PostgreSQL, or H2 for clusters laid out by earlier versions). {@link #READ_JOURNAL}
 * names the read journal's plugin, for {@link JournalQueries}.
 */
public final class JournalConfig
{
    private JournalConfig()
    {
    }

    /** Config key naming the read journal plugin in use. */
    public static final String READ_JOURNAL = "cistern.read-journal";

    /** The journal of a node: replicated (this node's member of it) or a database. */
    public static Config of(final CisternSettings settings)
    {
        final JournalSettings journal = settings.journal();
        if (!journal.replicated())
        {
            return of(journal);
        }
        final JournalSettings.Replication replication = journal.replication();
        final String self = settings.node().name();
        final String address = settings.node().host() + ":" + replication.port();
        final List<Map<String, String>> voters = new ArrayList<>();
        for (final JournalSettings.Voter voter : replication.voters())
        {
            voters.add(Map.of("name", voter.name(), "address", voter.address()));
        }
        if (voters.isEmpty())
        {
            voters.add(Map.of("name", self, "address", address));
        }
        final Path dataDir = settings.node().dataDir() == null ? Path.of("cistern-node") : settings.node().dataDir();
        return ConfigFactory.parseMap(Map.of(
                "pekko.persistence.journal.plugin", ReplicatedJournal.JOURNAL_PLUGIN,
                "pekko.persistence.snapshot-store.plugin", ReplicatedJournal.SNAPSHOT_PLUGIN,
                READ_JOURNAL, RaftReadJournal.IDENTIFIER,
                ReplicatedJournal.CONFIG + ".self", self,
                ReplicatedJournal.CONFIG + ".address", address,
                ReplicatedJournal.CONFIG + ".dir", dataDir.resolve("journal").toString(),
                ReplicatedJournal.CONFIG + ".voters", voters,
                ReplicatedJournal.CONFIG + ".cluster", "cistern",
                ReplicatedJournal.CONFIG + ".election-timeout", replication.electionTimeout().toMillis() + "ms",
                ReplicatedJournal.CONFIG + ".snapshot-every", replication.snapshotEvery()));
    }

    /** A database journal. */
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
                db + ".db.minConnections", 1,
                READ_JOURNAL, "jdbc-read-journal"))
            .withFallback(ConfigFactory.parseResources("cistern-persistence.conf"))
            .withValue("pekko-persistence-jdbc.shared-databases.slick.db.connectionTimeout",
                ConfigValueFactory.fromAnyRef("10s"));
    }
}
