package io.cistern.journal.plugin;

import com.typesafe.config.Config;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.ReadJournalProvider;
import org.apache.pekko.stream.scaladsl.Source;

/** Pekko's entry point for {@link RaftReadJournal}: the Java API, and the Scala API as a thin wrapper. */
public final class RaftReadJournalProvider implements ReadJournalProvider
{
    private final RaftReadJournal javadsl;
    private final Scaladsl scaladsl;

    public RaftReadJournalProvider(final ExtendedActorSystem system, final Config config)
    {
        this.javadsl = new RaftReadJournal(system);
        this.scaladsl = new Scaladsl(javadsl);
    }

    @Override
    public org.apache.pekko.persistence.query.scaladsl.ReadJournal scaladslReadJournal()
    {
        return scaladsl;
    }

    @Override
    public org.apache.pekko.persistence.query.javadsl.ReadJournal javadslReadJournal()
    {
        return javadsl;
    }

    static final class Scaladsl implements org.apache.pekko.persistence.query.scaladsl.ReadJournal,
        org.apache.pekko.persistence.query.scaladsl.EventsByTagQuery,
        org.apache.pekko.persistence.query.scaladsl.CurrentEventsByTagQuery,
        org.apache.pekko.persistence.query.scaladsl.EventsByPersistenceIdQuery,
        org.apache.pekko.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery
    {
        private final RaftReadJournal journal;

        Scaladsl(final RaftReadJournal journal)
        {
            this.journal = journal;
        }

        @Override
        public Source<EventEnvelope, NotUsed> eventsByTag(final String tag, final Offset offset)
        {
            return journal.eventsByTag(tag, offset).asScala();
        }

        @Override
        public Source<EventEnvelope, NotUsed> currentEventsByTag(final String tag, final Offset offset)
        {
            return journal.currentEventsByTag(tag, offset).asScala();
        }

        @Override
        public Source<EventEnvelope, NotUsed> eventsByPersistenceId(final String persistenceId, final long from, final long to)
        {
            return journal.eventsByPersistenceId(persistenceId, from, to).asScala();
        }

        @Override
        public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(final String persistenceId, final long from,
                                                                          final long to)
        {
            return journal.currentEventsByPersistenceId(persistenceId, from, to).asScala();
        }
    }
}
