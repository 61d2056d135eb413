package io.cistern.journal.plugin;

import com.typesafe.config.Config;
import io.cistern.journal.log.LogSettings;
import io.cistern.journal.log.ReplicatedLog;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one {@link ReplicatedLog} of an actor system, shared by the journal, the snapshot store and the
 * read journal, started on first use from {@code cistern.replicated-journal} and closed with the system.
 */
public final class ReplicatedJournal extends AbstractExtensionId<ReplicatedJournal.Member> implements ExtensionIdProvider
{
    public static final ReplicatedJournal ID = new ReplicatedJournal();
    public static final String CONFIG = "cistern.replicated-journal";
    /** The plugin ids reference.conf gives the journal and the snapshot store (the read journal's: {@link RaftReadJournal#IDENTIFIER}). */
    public static final String JOURNAL_PLUGIN = "cistern-raft-journal";
    public static final String SNAPSHOT_PLUGIN = "cistern-raft-snapshot-store";

    public static final class Member implements Extension
    {
        private final ReplicatedLog log;

        Member(final ReplicatedLog log)
        {
            this.log = log;
        }

        public ReplicatedLog log()
        {
            return log;
        }
    }

    private ReplicatedJournal()
    {
    }

    public static ReplicatedLog log(final org.apache.pekko.actor.ActorSystem system)
    {
        return ID.get(system).log();
    }

    @Override
    public ReplicatedJournal lookup()
    {
        return ID;
    }

    @Override
    public Member createExtension(final ExtendedActorSystem system)
    {
        final LogSettings settings = settings(system.settings().config().getConfig(CONFIG));
        try
        {
            final ReplicatedLog log = ReplicatedLog.start(settings);
            system.registerOnTermination(log::close);
            return new Member(log);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("could not start the replicated journal in " + settings.dir(), e);
        }
    }

    public static LogSettings settings(final Config config)
    {
        final List<LogSettings.Peer> voters = new ArrayList<>();
        for (final Config voter : config.getConfigList("voters"))
        {
            voters.add(new LogSettings.Peer(voter.getString("name"), voter.getString("address")));
        }
        return new LogSettings(config.getString("self"), config.getString("address"), Path.of(config.getString("dir")),
            voters, config.getString("cluster"), config.getDuration("election-timeout"), config.getLong("snapshot-every"));
    }
}
