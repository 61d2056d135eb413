package io.cistern.transport;

import io.aeron.Aeron;
import io.cistern.config.AeronSettings.IdleStrategyName;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One data server and one data client on a test's own endpoints, over an in-memory {@link ExtentIo}.
 * The server can run on its own agent thread, exist without being polled, or be absent altogether.
 */
final class DataPlaneFixture implements AutoCloseable
{
    static final int CLIENT_ID = 7;
    /** A client id whose replies go to a test's raw subscription rather than to the {@link DataClient}. */
    static final int RAW_CLIENT_ID = 8;
    /** The server's own id, to which its peers would answer its forwarder. */
    static final int SERVER_ID = 9;

    enum ServerMode
    {
        RUNNING,
        NOT_POLLING,
        ABSENT
    }

    /** Where one fixture's server listens and its clients are answered, and on which streams. */
    record Endpoints(String server, String reply, String rawReply, int requestStreamId, int replyStreamId)
    {
    }

    final Endpoints endpoints;
    final DataPlaneSettings settings;
    final InMemoryExtentIo extents = new InMemoryExtentIo();
    final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final Forwarder forwarder;
    final DataServer server;
    final DataClient client;
    private final AgentRunner serverRunner;
    private final AgentRunner clientRunner;

    DataPlaneFixture(
        final Aeron aeron, final Endpoints endpoints, final Duration timeout, final ServerMode mode, final int maxInFlight)
    {
        this.endpoints = endpoints;
        final DataPlaneSettings defaults = DataPlaneSettings.defaults();
        this.settings = new DataPlaneSettings(
            endpoints.requestStreamId(), endpoints.replyStreamId(), endpoints.requestStreamId() + 50_000, defaults.maxPayloadLength(), timeout.toNanos(),
            maxInFlight, defaults.fragmentLimit());
        this.forwarder = mode == ServerMode.ABSENT ? null :
            new Forwarder(aeron, SERVER_ID, endpoints.server(), settings, errors::add);
        this.server = mode == ServerMode.ABSENT ? null : new DataServer(
            aeron, endpoints.server(), settings, extents, this::replyChannel, forwarder, errors::add);
        this.client = new DataClient(aeron, CLIENT_ID, endpoints.reply(), settings);
        this.serverRunner = mode == ServerMode.RUNNING ?
            DataAgents.start(new CompositeAgent(server, forwarder), IdleStrategyName.BACKOFF, errors::add) : null;
        this.clientRunner = DataAgents.start(client, IdleStrategyName.BACKOFF, errors::add);
    }

    String serverChannel()
    {
        return endpoints.server();
    }

    /** Stops the client's agent, which closes the client. */
    void closeClient()
    {
        CloseHelper.close(clientRunner);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(clientRunner, serverRunner);
        if (serverRunner == null)
        {
            CloseHelper.closeAll(server, forwarder);
        }
    }

    private String replyChannel(final int clientId)
    {
        switch (clientId)
        {
            case CLIENT_ID:
                return endpoints.reply();
            case RAW_CLIENT_ID:
                return endpoints.rawReply();
            case SERVER_ID:
                return endpoints.server();
            default:
                return null;
        }
    }
}
