package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.cistern.config.AeronSettings;
import io.cistern.transport.DataPlaneFixture.ServerMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.cistern.transport.DataStatus.OK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What any channel must do for the data plane, run once per transport (IPC, UDP) by a subclass that says
 * where each test's server and client live. One media driver per test class, one server and client per
 * test on endpoints of their own, so a test never sees another's frames.
 */
@Timeout(60)
abstract class DataPlaneContract
{
    static final long VOLUME = 11;
    static final int SLAB = 3;
    static final int COPY = 1;
    static final long EPOCH = 5;
    static final int MIB = 1024 * 1024;
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    /** How late past its deadline a timed-out call may return on a busy 2-core machine. */
    static final Duration LATENESS_BOUND = Duration.ofSeconds(2);

    @TempDir
    static Path tmp;
    private static EmbeddedMediaDriver driver;

    private DataPlaneFixture fixture;
    private DataClient client;

    /** Fresh endpoints and streams for one fixture. */
    abstract DataPlaneFixture.Endpoints nextEndpoints();

    @BeforeAll
    static void launchDriver()
    {
        driver = EmbeddedMediaDriver.launch(new AeronSettings(
            0, tmp.resolve("aeron"), AeronSettings.IdleStrategyName.BACKOFF, AeronSettings.ThreadingMode.SHARED));
    }

    @AfterAll
    static void closeDriver()
    {
        CloseHelper.close(driver);
    }

    @BeforeEach
    void startServerAndClient()
    {
        fixture = start(Duration.ofSeconds(10), ServerMode.RUNNING);
        client = fixture.client;
    }

    @AfterEach
    void stopServerAndClient()
    {
        fixture.close();
        assertTrue(fixture.errors.isEmpty(), () -> "unexpected errors: " + fixture.errors);
    }

    @Test
    void aWriteThenAReadReturnTheSameBytes()
    {
        final UnsafeBuffer data = randomBuffer(4096, 1);
        assertStatus(OK, client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(8192, 4096).from(data, 0)));

        final UnsafeBuffer readBack = new UnsafeBuffer(new byte[4096 + 16]);
        assertStatus(OK, client.read(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(8192, 4096).into(readBack, 16)));

        assertArrayEquals(data.byteArray(), Arrays.copyOfRange(readBack.byteArray(), 16, 16 + 4096));
        assertArrayEquals(data.byteArray(), fixture.extents.bytes(VOLUME, SLAB, COPY, 8192, 4096));
    }

    @Test
    void theFuaFlagReachesTheExtentOnlyWhenAsked()
    {
        final UnsafeBuffer data = randomBuffer(512, 2);
        assertStatus(OK, client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(0, 512).from(data, 0)));
        assertEquals(0, fixture.extents.fuaWrites());

        assertStatus(OK, client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(0, 512).from(data, 0).fua(true)));
        assertEquals(1, fixture.extents.fuaWrites());
        assertEquals(2, fixture.extents.writes());
    }

    @Test
    void aMirroredWriteReachesEveryCopyThroughThePrimaryAndOnlyThePrimaryTakesIt()
    {
        fixture.extents.addExtent(VOLUME, SLAB, COPY + 1, EPOCH).addExtent(VOLUME, SLAB, COPY + 2, EPOCH)
            .mirror(VOLUME, SLAB, COPY, new int[] {COPY + 1, COPY + 2}, new String[2]);
        final String server = fixture.serverChannel();
        final UnsafeBuffer data = randomBuffer(8192, 9);

        assertStatus(OK, client.sequencedWrite(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(4096, 8192).from(data, 0).fua(true)));
        for (int copy = COPY; copy <= COPY + 2; copy++)
        {
            assertArrayEquals(data.byteArray(), fixture.extents.bytes(VOLUME, SLAB, copy, 4096, 8192), "copy " + copy);
        }
        assertEquals(3, fixture.extents.fuaWrites());

        final UnsafeBuffer next = randomBuffer(4096, 10);
        assertStatus(DataStatus.NOT_PRIMARY, client.sequencedWrite(new DataRequest().server(server).extent(VOLUME, SLAB, COPY + 1, EPOCH)
            .at(0, 4096).from(next, 0)));
        assertStatus(DataStatus.STALE_EPOCH, client.sequencedWrite(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH - 1)
            .at(0, 4096).from(next, 0)));
        assertEquals(3, fixture.extents.writes(), "refused mirrored writes wrote nothing");
    }

    @Test
    void aRepairRewritesTheBadCopyFromThePrimaryOrThePrimaryFromAnother()
    {
        fixture.extents.addExtent(VOLUME, SLAB, COPY + 1, EPOCH)
            .mirror(VOLUME, SLAB, COPY, new int[] {COPY + 1}, new String[1]);
        final String server = fixture.serverChannel();
        final UnsafeBuffer good = randomBuffer(4096, 11);
        assertStatus(OK, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(0, 4096).from(good, 0)));

        assertStatus(OK, client.repair(new DataRequest().server(server).extent(VOLUME, SLAB, COPY + 1, EPOCH).at(0, 4096)));
        assertArrayEquals(good.byteArray(), fixture.extents.bytes(VOLUME, SLAB, COPY + 1, 0, 4096), "bad copy from the primary");

        final UnsafeBuffer other = randomBuffer(4096, 12);
        assertStatus(OK, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY + 1, EPOCH)
            .at(8192, 4096).from(other, 0)));
        assertStatus(OK, client.repair(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH).at(8192, 4096)));
        assertArrayEquals(other.byteArray(), fixture.extents.bytes(VOLUME, SLAB, COPY, 8192, 4096), "primary from the other copy");

        assertStatus(DataStatus.NO_SUCH_EXTENT, client.repair(new DataRequest().server(server).extent(VOLUME, SLAB, 6, EPOCH)
            .at(0, 4096)));
        assertStatus(DataStatus.MALFORMED, client.repair(new DataRequest().server(server).extent(VOLUME, SLAB, COPY + 1, EPOCH)
            .at(0, 0)));
    }

    @Test
    void aFlushReachesTheExtent()
    {
        assertStatus(OK, client.flush(fixture.serverChannel(), VOLUME));
        assertEquals(1, fixture.extents.flushes());
    }

    @Test
    void aRequestWithAnOlderNewerOrUnknownEpochIsRefusedWithoutIo()
    {
        final UnsafeBuffer data = randomBuffer(512, 3);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[512]);
        final String server = fixture.serverChannel();

        assertStatus(DataStatus.STALE_EPOCH, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH - 1)
            .at(0, 512).from(data, 0).fua(true)));
        assertStatus(DataStatus.STALE_EPOCH, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH + 1)
            .at(0, 512).from(data, 0).fua(true)));
        assertStatus(DataStatus.STALE_EPOCH, client.read(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH - 1)
            .at(0, 512).into(dst, 0)));
        assertStatus(DataStatus.STALE_EPOCH, client.read(new DataRequest().server(server).extent(VOLUME, SLAB + 1, COPY, EPOCH)
            .at(0, 512).into(dst, 0)));

        assertEquals(0, fixture.extents.writes(), "no write was attempted");
        assertEquals(0, fixture.extents.reads(), "no read was attempted");
        assertArrayEquals(new byte[512], fixture.extents.bytes(VOLUME, SLAB, COPY, 0, 512));
        assertEquals(4, fixture.server.staleEpochs());
    }

    @Test
    void aMebibyteWriteAndReadAreFragmentedAndReassembledIntact()
    {
        final UnsafeBuffer data = randomBuffer(MIB, 4);
        assertStatus(OK, client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(MIB, MIB).from(data, 0).fua(true)));

        final UnsafeBuffer readBack = new UnsafeBuffer(new byte[MIB]);
        assertStatus(OK, client.read(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(MIB, MIB).into(readBack, 0)));

        assertArrayEquals(data.byteArray(), readBack.byteArray());
    }

    @Test
    void requestsBeyondTheMaximumPayloadAreTooLargeAndNeverSent()
    {
        final UnsafeBuffer big = new UnsafeBuffer(new byte[MIB + 1]);
        assertStatus(DataStatus.TOO_LARGE,
            client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, MIB + 1).from(big, 0)));
        assertStatus(DataStatus.TOO_LARGE,
            client.read(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, MIB + 1).into(big, 0)));

        // Frames from one publication arrive in order: once the flush is answered, nothing else came before it.
        assertStatus(OK, client.flush(fixture.serverChannel(), VOLUME));
        assertEquals(1, fixture.server.requests());
        assertEquals(0, fixture.extents.writes() + fixture.extents.reads());
    }

    @Test
    void statusCodesFromTheExtentReachTheCaller()
    {
        final String server = fixture.serverChannel();
        final UnsafeBuffer data = randomBuffer(4096, 5);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[4096]);

        assertStatus(DataStatus.OUT_OF_RANGE, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(InMemoryExtentIo.EXTENT_LENGTH - 100, 4096).from(data, 0)));
        assertStatus(DataStatus.NO_SUCH_EXTENT, client.read(new DataRequest().server(server).extent(VOLUME, SLAB, COPY + 1, EPOCH)
            .at(0, 4096).into(dst, 0)));

        assertStatus(OK, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(0, 4096).from(data, 0)));
        fixture.extents.failReadsWith(DataStatus.CHECKSUM_MISMATCH);
        assertStatus(DataStatus.CHECKSUM_MISMATCH, client.read(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
            .at(0, 4096).into(dst, 0)));
        assertArrayEquals(new byte[4096], dst.byteArray(), "a failed read leaves the caller's buffer alone");

        fixture.extents.failFlushesWith(DataStatus.FAILED_STOP);
        assertStatus(DataStatus.FAILED_STOP, client.flush(server, VOLUME));
    }

    @Test
    void anExceptionFromTheExtentIsCountedReportedAndAnsweredAsAnIoError()
    {
        final IllegalStateException bug = new IllegalStateException("a bug in the extent store");
        fixture.extents.throwOnWrite(bug);
        final UnsafeBuffer data = randomBuffer(512, 6);

        assertStatus(DataStatus.IO_ERROR,
            client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 512).from(data, 0)));

        assertEquals(1, fixture.server.errors());
        assertEquals(bug, fixture.errors.poll());
    }

    @Test
    void aServerThatIsNotPollingLeavesTheCallerWithATimeoutWithinItsDeadline()
    {
        try (DataPlaneFixture idle = start(SHORT_TIMEOUT, ServerMode.NOT_POLLING))
        {
            // The server's subscription exists, so the request is sent; nobody reads it.
            awaitCondition(() -> idle.client.isConnected(idle.serverChannel()), "client connected to the idle server");
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[4096]);

            final long start = System.nanoTime();
            final int status = idle.client.read(new DataRequest().server(idle.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 4096).into(dst, 0));
            final Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertStatus(DataStatus.TIMEOUT, status);
            assertTrue(elapsed.compareTo(SHORT_TIMEOUT) >= 0, () -> "waited its timeout, not " + elapsed);
            assertTrue(elapsed.compareTo(SHORT_TIMEOUT.plus(LATENESS_BOUND)) < 0, () -> "returned late: " + elapsed);
            assertEquals(1, idle.client.timeouts());
        }
    }

    @Test
    void aCallWithNoServerAtAllIsNotConnectedWithinItsDeadline()
    {
        try (DataPlaneFixture nobody = start(SHORT_TIMEOUT, ServerMode.ABSENT))
        {
            final UnsafeBuffer data = randomBuffer(4096, 7);

            final long start = System.nanoTime();
            final int status = nobody.client.write(new DataRequest().server(nobody.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 4096).from(data, 0).fua(true));
            final Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertStatus(DataStatus.NOT_CONNECTED, status);
            assertTrue(elapsed.compareTo(SHORT_TIMEOUT.plus(LATENESS_BOUND)) < 0, () -> "returned late: " + elapsed);
        }
    }

    @Test
    void aReplyArrivingAfterItsTimeoutIsDiscardedAndLeavesTheCallersBufferAlone()
    {
        try (DataPlaneFixture slow = start(SHORT_TIMEOUT, ServerMode.RUNNING))
        {
            slow.extents.addExtent(VOLUME, SLAB, COPY, EPOCH);
            final UnsafeBuffer data = randomBuffer(4096, 8);
            assertStatus(OK, slow.client.write(new DataRequest().server(slow.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 4096).from(data, 0)));
            final CountDownLatch gate = new CountDownLatch(1);
            slow.extents.holdReads(gate, new CountDownLatch(1));
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[4096]);
            dst.setMemory(0, 4096, (byte)0x55);

            assertStatus(DataStatus.TIMEOUT, slow.client.read(new DataRequest().server(slow.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 4096).into(dst, 0)));
            gate.countDown();
            awaitCondition(() -> slow.client.lateReplies() == 1, "the late reply arrived");

            final byte[] untouched = new byte[4096];
            Arrays.fill(untouched, (byte)0x55);
            assertArrayEquals(untouched, dst.byteArray());
            slow.extents.holdReads(null, null);
            assertStatus(OK, slow.client.read(new DataRequest().server(slow.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 4096).into(dst, 0)));
            assertArrayEquals(data.byteArray(), dst.byteArray(), "the slot's next request gets its own reply");
        }
    }

    @Test
    void closingTheClientAnswersAWaitingCallAtOnce() throws Exception
    {
        // Connect the server's reply path first: a reply to a client gone after that is dropped at once.
        assertStatus(OK, client.flush(fixture.serverChannel(), VOLUME));
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        fixture.extents.holdReads(gate, entered);
        final AtomicInteger status = new AtomicInteger(Integer.MIN_VALUE);
        final CountDownLatch answered = new CountDownLatch(1);
        final Thread caller = new Thread(() ->
        {
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[512]);
            status.set(client.read(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                .at(0, 512).into(dst, 0)));
            answered.countDown();
        });
        caller.start();
        try
        {
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the read reached the server");
            fixture.closeClient();
            assertTrue(answered.await(2, TimeUnit.SECONDS), "answered well before its 10 s timeout");
            assertStatus(DataStatus.NOT_CONNECTED, status.get());
            final UnsafeBuffer data = randomBuffer(512, 9);
            assertStatus(DataStatus.NOT_CONNECTED,
                client.write(new DataRequest().server(fixture.serverChannel()).extent(VOLUME, SLAB, COPY, EPOCH)
                    .at(0, 512).from(data, 0)));
        }
        finally
        {
            gate.countDown();
            caller.join(10_000);
        }
    }

    @Test
    void aFrameThatIsNotARequestIsDroppedAndAWriteWhosePayloadDisagreesIsMalformed()
    {
        final Aeron aeron = driver.aeron();
        final DataPlaneFixture.Endpoints endpoints = fixture.endpoints;
        try (Subscription rawReplies = aeron.addSubscription(endpoints.rawReply(), endpoints.replyStreamId());
             ExclusivePublication raw = aeron.addExclusivePublication(endpoints.server(), endpoints.requestStreamId()))
        {
            awaitCondition(raw::isConnected, "raw publication connected to the server");
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[DataFrame.HEADER_LENGTH + 50]);
            offer(raw, frame, 10);
            new DataFrameEncoder().wrap(frame, 0)
                .type(FrameType.WRITE).flags(0).status(OK).correlationId(99).clientId(DataPlaneFixture.RAW_CLIENT_ID)
                .volumeId(VOLUME).slab(SLAB).copy(COPY).epoch(EPOCH).extentOffset(0).length(100);
            offer(raw, frame, DataFrame.HEADER_LENGTH + 50);

            final DataFrameDecoder reply = new DataFrameDecoder();
            final AtomicInteger replyStatus = new AtomicInteger(Integer.MIN_VALUE);
            awaitCondition(() ->
            {
                rawReplies.poll((buffer, offset, length, header) ->
                {
                    reply.wrap(buffer, offset);
                    if (reply.clientId() == DataPlaneFixture.RAW_CLIENT_ID && reply.correlationId() == 99)
                    {
                        assertEquals(FrameType.WRITE_REPLY, reply.type());
                        replyStatus.set(reply.status());
                    }
                }, 10);
                return replyStatus.get() != Integer.MIN_VALUE;
            }, "the malformed write was answered");

            assertStatus(DataStatus.MALFORMED, replyStatus.get());
            assertEquals(1, fixture.server.malformedFrames(), "the 10-byte frame was counted and dropped");
            assertEquals(0, fixture.extents.writes());
        }
    }

    @Test
    void fourThreadsOfMixedRequestsEachReadBackTheirOwnData() throws Exception
    {
        assertEquals(4 * 200, mixedRequestsOnThreads(fixture, 4, 200));
    }

    @Test
    void moreCallersThanInFlightSlotsTakeTurnsRatherThanFail() throws Exception
    {
        try (DataPlaneFixture narrow = start(Duration.ofSeconds(10), ServerMode.RUNNING, 2))
        {
            assertEquals(4 * 50, mixedRequestsOnThreads(narrow, 4, 50));
        }
    }

    private static int mixedRequestsOnThreads(final DataPlaneFixture fixture, final int threads, final int requestsPerThread)
        throws Exception
    {
        final int region = InMemoryExtentIo.EXTENT_LENGTH / threads;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Callable<Integer>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                work.add(() -> mixedRequests(fixture, thread * region, region, requestsPerThread, new Random(thread)));
            }
            int total = 0;
            for (final Future<Integer> done : pool.invokeAll(work, 40, TimeUnit.SECONDS))
            {
                total += done.get();
            }
            return total;
        }
        finally
        {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /** Writes, reads and flushes within one region, checking every read against what this thread wrote. */
    private static int mixedRequests(
        final DataPlaneFixture fixture, final int base, final int region, final int requests, final Random random)
    {
        final DataClient client = fixture.client;
        final String server = fixture.serverChannel();
        final byte[] shadow = new byte[region];
        final UnsafeBuffer io = new UnsafeBuffer(new byte[64 * 1024]);
        int done = 0;
        for (int i = 0; i < requests; i++)
        {
            final int length = 1 + random.nextInt(io.capacity());
            final int offset = random.nextInt(region - length);
            if (i % 10 == 9)
            {
                assertStatus(OK, client.flush(server, VOLUME));
            }
            else if (i % 2 == 0)
            {
                final byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                io.putBytes(0, bytes);
                assertStatus(OK, client.write(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
                    .at(base + offset, length).from(io, 0).fua(i % 4 == 0)));
                System.arraycopy(bytes, 0, shadow, offset, length);
            }
            else
            {
                assertStatus(OK, client.read(new DataRequest().server(server).extent(VOLUME, SLAB, COPY, EPOCH)
                    .at(base + offset, length).into(io, 0)));
                final byte[] expected = Arrays.copyOfRange(shadow, offset, offset + length);
                final byte[] actual = Arrays.copyOfRange(io.byteArray(), 0, length);
                if (!Arrays.equals(expected, actual))
                {
                    fail("read " + i + " at " + (base + offset) + " returned other bytes than were written");
                }
            }
            done++;
        }
        return done;
    }

    private DataPlaneFixture start(final Duration timeout, final ServerMode mode)
    {
        return start(timeout, mode, DataPlaneSettings.DEFAULT_MAX_IN_FLIGHT);
    }

    private DataPlaneFixture start(final Duration timeout, final ServerMode mode, final int maxInFlight)
    {
        final DataPlaneFixture started = new DataPlaneFixture(driver.aeron(), nextEndpoints(), timeout, mode, maxInFlight);
        started.extents.addExtent(VOLUME, SLAB, COPY, EPOCH);
        return started;
    }

    private static UnsafeBuffer randomBuffer(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return new UnsafeBuffer(bytes);
    }

    private static void offer(final ExclusivePublication publication, final UnsafeBuffer buffer, final int length)
    {
        awaitCondition(() -> publication.offer(buffer, 0, length) > 0, "frame offered");
    }

    private static void assertStatus(final int expected, final int actual)
    {
        assertEquals(expected, actual, () -> "expected " + DataStatus.describe(expected) + " but was " +
            DataStatus.describe(actual));
    }

    /** Polls a condition until it holds or 10 s pass; yields between polls rather than sleeping. */
    static void awaitCondition(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                fail("timed out waiting until " + what);
            }
            Thread.yield();
        }
    }
}
