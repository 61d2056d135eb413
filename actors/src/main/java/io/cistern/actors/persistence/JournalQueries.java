package io.cistern.actors.persistence;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;

/**
 * The two queries Cistern reads the journal with, from whichever read journal the node is configured
 * for ({@link JournalConfig#READ_JOURNAL}): tagged events for the pool view, one entity's events to
 * confirm a layout.
 */
public record JournalQueries(EventsByTagQuery byTag, CurrentEventsByPersistenceIdQuery byEntity)
{
    public static JournalQueries of(final ActorSystem<?> system)
    {
        final String plugin = system.settings().config().getString(JournalConfig.READ_JOURNAL);
        final ReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(ReadJournal.class, plugin);
        return new JournalQueries((EventsByTagQuery) journal, (CurrentEventsByPersistenceIdQuery) journal);
    }
}
