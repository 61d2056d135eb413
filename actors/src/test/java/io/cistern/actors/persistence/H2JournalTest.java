package io.cistern.actors.persistence;

import io.cistern.config.JournalSettings;

/** The journal contract on H2, the local cluster's default. */
class H2JournalTest extends JournalContract
{
    @Override
    JournalSettings journal()
    {
        return new JournalSettings(JournalSettings.Kind.H2, "jdbc:h2:mem:journal-contract;DB_CLOSE_DELAY=-1", "cistern", "cistern", 4);
    }
}
