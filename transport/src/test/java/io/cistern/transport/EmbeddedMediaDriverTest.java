package io.cistern.transport;

import io.aeron.ConcurrentPublication;
import io.aeron.Subscription;
import io.cistern.config.AeronSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EmbeddedMediaDriverTest
{
    @TempDir
    Path tmp;

    private AeronSettings settings(final Path dir)
    {
        return new AeronSettings(40999, dir, AeronSettings.IdleStrategyName.BACKOFF, AeronSettings.ThreadingMode.SHARED);
    }

    @Test
    void cleansAStaleDirectoryAtStartAndRemovesItsOwnAtClose() throws Exception
    {
        final Path dir = tmp.resolve("aeron");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("left-by-a-killed-node"), "stale");

        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launch(settings(dir)))
        {
            assertTrue(driver.isRunning());
            assertFalse(Files.exists(dir.resolve("left-by-a-killed-node")), "a stale directory is cleaned at start");
            assertTrue(Files.exists(dir.resolve("cnc.dat")), "the driver's command-and-control file is there");
        }
        assertFalse(Files.exists(dir), "the directory is removed at close");
    }

    @Test
    void carriesAMessageOverIpc() throws Exception
    {
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launch(settings(tmp.resolve("aeron")));
             Subscription subscription = driver.aeron().addSubscription("aeron:ipc", 1001);
             ConcurrentPublication publication = driver.aeron().addPublication("aeron:ipc", 1001))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final int length = buffer.putStringAscii(0, "block");
            while (publication.offer(buffer, 0, length) < 0)
            {
                Thread.onSpinWait();
            }
            final AtomicReference<String> received = new AtomicReference<>();
            while (received.get() == null)
            {
                subscription.poll((b, offset, len, header) -> received.set(b.getStringAscii(offset)), 1);
            }
            assertEquals("block", received.get());
        }
    }
}
