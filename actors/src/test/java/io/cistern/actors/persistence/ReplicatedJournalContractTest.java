package io.cistern.actors.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.config.CisternSettings;
import io.cistern.config.JournalSettings;
import io.cistern.config.SettingsReader;
import io.cistern.journal.plugin.ReplicatedJournal;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * The journal contract on the replicated journal the nodes keep themselves, configured the way a node
 * configures it (a node's settings through {@link JournalConfig}); one voter, so one JVM suffices. The
 * journal module's own tests cover several voters, a lost leader and a listener.
 */
class ReplicatedJournalContractTest extends JournalContract
{
    @TempDir
    Path dir;

    private CisternSettings settings() throws IOException
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        return SettingsReader.read(ConfigFactory.parseString(
                "cistern.node.name = contract\n" +
                "cistern.node.data-dir = \"" + dir + "\"\n" +
                "cistern.journal.kind = replicated\n" +
                "cistern.journal.port = " + port + "\n")
            .withFallback(ConfigFactory.defaultReference()));
    }

    @Override
    JournalSettings journal()
    {
        throw new UnsupportedOperationException("configured from a node's settings");
    }

    @Override
    Config journalConfig()
    {
        try
        {
            return JournalConfig.of(settings());
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void prepare(final ActorTestKit kit)
    {
        ReplicatedJournal.log(Adapter.toClassic(kit.system()));
    }
}
