package io.cistern.actors.persistence;

import io.cistern.config.JournalSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The journal contract on a real PostgreSQL, the production journal. */
class PostgresJournalTest extends JournalContract
{
    private static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() throws Exception
    {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception
    {
        if (postgres != null)
        {
            postgres.close();
        }
    }

    @Override
    JournalSettings journal()
    {
        return new JournalSettings(JournalSettings.Kind.POSTGRES, postgres.url(), "cistern", "cistern", 4);
    }
}
