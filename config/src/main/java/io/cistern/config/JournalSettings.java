package io.cistern.config;

/**
 * Where Pekko Persistence keeps events and snapshots.
 *
 * @param kind     which database dialect the JDBC plugin speaks.
 * @param url      JDBC URL.
 * @param user     database user.
 * @param password database password.
 * @param poolSize connections per node.
 */
public record JournalSettings(Kind kind, String url, String user, String password, int poolSize)
{
    public enum Kind
    {
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
