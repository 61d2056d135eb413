package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.cistern.config.AeronSettings;

import java.nio.file.Path;

/**
 * The node's own Aeron media driver, in-process, and the client connected to it.
 * <p>
 * The driver's directory is the node's alone: it is deleted at start (a previous run killed with
 * SIGKILL leaves a stale one behind) and at close. The idle strategy comes from configuration and is
 * never busy-spin by default, because on a small machine a spinning driver starves the node it serves.
 */
public final class EmbeddedMediaDriver implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;
    static final long PEER_GONE_AFTER_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private EmbeddedMediaDriver(final MediaDriver driver, final Aeron aeron)
    {
        this.driver = driver;
        this.aeron = aeron;
    }

    public static EmbeddedMediaDriver launch(final AeronSettings settings)
    {
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(settings.directory().toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(threadingMode(settings.threadingMode()))
            .sharedIdleStrategy(IdleStrategies.forMediaDriver(settings.idleStrategy()))
            .conductorIdleStrategy(IdleStrategies.forMediaDriver(settings.idleStrategy()))
            .senderIdleStrategy(IdleStrategies.forMediaDriver(settings.idleStrategy()))
            .receiverIdleStrategy(IdleStrategies.forMediaDriver(settings.idleStrategy()))
            .sharedNetworkIdleStrategy(IdleStrategies.forMediaDriver(settings.idleStrategy()))
            // Term buffers are sparse files: a node with many idle streams does not commit their memory.
            .termBufferSparseFile(true)
            // A peer whose status messages stop for this long counts as gone: from then on writes forwarded
            // to it miss it at once instead of at their deadline (docs/architecture.md, Invariants). Aeron's
            // own 5 s: with 2 s, a live copy on a loaded two-core host was marked stale now and then, and a
            // node loss on top of that left a slab without a majority (NodeLossTest).
            .publicationConnectionTimeoutNs(PEER_GONE_AFTER_NS);
        final MediaDriver driver = MediaDriver.launch(context);
        try
        {
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return new EmbeddedMediaDriver(driver, aeron);
        }
        catch (final RuntimeException ex)
        {
            driver.close();
            throw ex;
        }
    }

    public Aeron aeron()
    {
        return aeron;
    }

    public Path directory()
    {
        return Path.of(driver.aeronDirectoryName());
    }

    public boolean isRunning()
    {
        return !aeron.isClosed();
    }

    @Override
    public void close()
    {
        try
        {
            aeron.close();
        }
        finally
        {
            driver.close();
        }
    }

    private static ThreadingMode threadingMode(final AeronSettings.ThreadingMode mode)
    {
        return switch (mode)
        {
            case SHARED -> ThreadingMode.SHARED;
            case SHARED_NETWORK -> ThreadingMode.SHARED_NETWORK;
            case DEDICATED -> ThreadingMode.DEDICATED;
        };
    }
}
