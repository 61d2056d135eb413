import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.cistern.config.AeronSettings;
import io.cistern.transport.EmbeddedMediaDriver;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data plane's ceiling on this machine: how many bytes per second Aeron carries from one node's media
 * driver to another's on the channel Cistern uses between nodes (UDP on loopback, 64 KiB MTU), in messages
 * of the data path's largest frame (1 MiB + the 56-byte header). Two embedded drivers, as two nodes would
 * have, each with the node's idle strategy. Not a test; bench/nbd-fio.sh runs it and prints it beside the
 * fio rows. Run: java -cp "node/target/cistern-node.jar:node/target/lib/*" bench/AeronCeiling.java [seconds]
 */
public final class AeronCeiling
{
    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final int messageLength = (1 << 20) + 56;
        final Path tmp = Files.createTempDirectory("aeron-ceiling-");
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + (41000 + (int)(ProcessHandle.current().pid() % 1000)) + "|mtu=65504";
        try (EmbeddedMediaDriver sender = EmbeddedMediaDriver.launch(new AeronSettings(0, tmp.resolve("a"),
                 AeronSettings.IdleStrategyName.BACKOFF, AeronSettings.ThreadingMode.SHARED));
             EmbeddedMediaDriver receiver = EmbeddedMediaDriver.launch(new AeronSettings(0, tmp.resolve("b"),
                 AeronSettings.IdleStrategyName.BACKOFF, AeronSettings.ThreadingMode.SHARED));
             Subscription subscription = receiver.aeron().addSubscription(channel, 7);
             Publication publication = sender.aeron().addExclusivePublication(channel, 7))
        {
            final AtomicLong received = new AtomicLong();
            // The node's own back-off on both ends: spinning threads would starve the two drivers on 2 cores.
            final IdleStrategy readerIdle = new BackoffIdleStrategy(1, 1, 1_000, 100_000);
            final IdleStrategy senderIdle = new BackoffIdleStrategy(1, 1, 1_000, 100_000);
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) -> received.addAndGet(length));
            final Thread reader = new Thread(() ->
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    readerIdle.idle(subscription.poll(assembler, 64));
                }
            }, "ceiling-reader");
            reader.setDaemon(true);
            reader.start();
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageLength));
            final long connectBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!publication.isConnected() && System.nanoTime() < connectBy)
            {
                Thread.sleep(10); // a bench, waiting for a connection: not a test waiting for a condition
            }
            final long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < warmUntil)
            {
                publication.offer(message, 0, messageLength);
            }
            final long startBytes = received.get();
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end)
            {
                senderIdle.idle(publication.offer(message, 0, messageLength) > 0 ? 1 : 0);
            }
            final double bytesPerSecond = (received.get() - startBytes) / ((System.nanoTime() - start) / 1e9);
            reader.interrupt();
            System.out.printf("aeron-ceiling %.0f MB/s one way, node to node (UDP loopback, 64 KiB MTU, 1 MiB messages)%n",
                bytesPerSecond / 1e6);
            System.out.printf("mirror-3 write ceiling %.0f MB/s (a client write crosses the network up to 3 times: " +
                "to the primary, then to each other copy)%n", bytesPerSecond / 3e6);
        }
    }
}
