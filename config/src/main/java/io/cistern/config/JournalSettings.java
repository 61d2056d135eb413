package io.cistern.config;

import java.time.Duration;
import java.util.List;

/**
 * Where Pekko Persistence keeps events and snapshots.
 *
 * @param kind        the replicated journal the nodes keep themselves, or a database.
 * @param url         JDBC URL (databases only).
 * @param user        database user.
 * @param password    database password.
 * @param poolSize    connections per node.
 * @param replication how this node takes part in the replicated journal (kind {@code replicated} only).
 */
public record JournalSettings(Kind kind, String url, String user, String password, int poolSize, Replication replication)
{
    /** A database journal (the replicated journal's settings left at their defaults). */
    public JournalSettings(final Kind kind, final String url, final String user, final String password, final int poolSize)
    {
        this(kind, url, user, password, poolSize, Replication.DEFAULT);
    }

    /**
     * @param port            the port of this node's member of the replicated journal (Raft).
     * @param voters          the voting members; empty means this node alone.
     * @param electionTimeout how long followers wait for a silent leader before electing another (up to twice this).
     * @param snapshotEvery   log entries between snapshots of a node's copy.
     */
    public record Replication(int port, List<Voter> voters, Duration electionTimeout, long snapshotEvery)
    {
        static final Replication DEFAULT = new Replication(9870, List.of(), Duration.ofSeconds(1), 20_000);
    }

    /** One voting member of the replicated journal: a node's name and where its journal member listens. */
    public record Voter(String name, String host, int port)
    {
        public String address()
        {
            return host + ":" + port;
        }
    }

    public boolean replicated()
    {
        return kind == Kind.REPLICATED;
    }

    public enum Kind
    {
        REPLICATED("", "", ""),
        H2("jdbc:h2:", "slick.jdbc.H2Profile$", "org.h2.Driver"),
        POSTGRES("jdbc:postgresql:", "slick.jdbc.PostgresProfile$", "org.postgresql.Driver");

        private final String urlPrefix;
        private final String slickProfile;
        private final String driverClass;

        Kind(final String urlPrefix, final String slickProfile, final String driverClass)
        {
            this.urlPrefix = urlPrefix;
            this.slickProfile = slickProfile;
            this.driverClass = driverClass;
        }

        public String urlPrefix()
        {
            return urlPrefix;
        }

        public String slickProfile()
        {
            return slickProfile;
        }

        public String driverClass()
        {
            return driverClass;
        }
    }
}
