package io.cistern.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.cistern.storage.ExtentFile.BLOCK_SIZE;
import static io.cistern.storage.IoStatus.CHECKSUM_MISMATCH;
import static io.cistern.storage.IoStatus.IO_ERROR;
import static io.cistern.storage.IoStatus.OK;
import static io.cistern.storage.IoStatus.OUT_OF_RANGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BlockReaderTest
{
    private static final ExtentId ID = new ExtentId(7, 1, 0);
    private static final int LENGTH = 64 * BLOCK_SIZE;

    @TempDir
    Path dir;

    private ExtentFile extent;
    private final BlockReader reader = new BlockReader(16 * BLOCK_SIZE);

    @BeforeEach
    void createExtent() throws IOException
    {
        extent = ExtentFile.create(dir, ID, LENGTH);
    }

    @AfterEach
    void closeExtent() throws IOException
    {
        extent.close();
    }

    @Test
    void readsWhatTheOwnerWroteIntoTheGivenPlaceAndLeavesTheBufferAsItWas()
    {
        final byte[] bytes = new byte[8 * BLOCK_SIZE];
        new Random(1).nextBytes(bytes);
        assertEquals(OK, extent.write(4L * BLOCK_SIZE, ByteBuffer.wrap(bytes), false));

        final ByteBuffer dst = ByteBuffer.allocateDirect(100 + bytes.length).position(3).limit(50);
        assertEquals(OK, reader.read(extent, 4L * BLOCK_SIZE, dst, 100, bytes.length));
        assertEquals(3, dst.position());
        assertEquals(50, dst.limit());
        final byte[] got = new byte[bytes.length];
        dst.limit(dst.capacity()).get(100, got);
        assertTrue(Arrays.equals(bytes, got));
    }

    @Test
    void refusesWhatIsNotWholeBlocksWithinTheExtentOrTheBuffer()
    {
        final ByteBuffer dst = ByteBuffer.allocateDirect(16 * BLOCK_SIZE);
        assertEquals(OUT_OF_RANGE, reader.read(extent, 512, dst, 0, BLOCK_SIZE), "unaligned offset");
        assertEquals(OUT_OF_RANGE, reader.read(extent, 0, dst, 0, 1000), "partial block");
        assertEquals(OUT_OF_RANGE, reader.read(extent, LENGTH, dst, 0, BLOCK_SIZE), "past the end");
        assertEquals(OUT_OF_RANGE, reader.read(extent, 0, dst, BLOCK_SIZE, 16 * BLOCK_SIZE), "past the buffer");
        assertFalse(reader.fits(0, 17 * BLOCK_SIZE), "larger than the reader was made for");
        assertEquals(OUT_OF_RANGE, reader.read(extent, 0, ByteBuffer.allocateDirect(17 * BLOCK_SIZE), 0, 17 * BLOCK_SIZE));
    }

    @Test
    void aFlippedByteIsAMismatchAndAClosedExtentAnError() throws IOException
    {
        flipByte(new ExtentHeader(ID, LENGTH).dataOffset() + 5L * BLOCK_SIZE + 77);
        final ByteBuffer dst = ByteBuffer.allocateDirect(8 * BLOCK_SIZE);
        assertEquals(CHECKSUM_MISMATCH, reader.read(extent, 0, dst, 0, 8 * BLOCK_SIZE));
        assertEquals(OK, reader.read(extent, 6L * BLOCK_SIZE, dst, 0, 2 * BLOCK_SIZE), "the blocks around it are good");

        extent.close();
        assertEquals(IO_ERROR, reader.read(extent, 0, dst, 0, BLOCK_SIZE));
    }

    @Test
    void anInterruptedReaderDoesNotCloseTheOwnersChannel()
    {
        final ByteBuffer dst = ByteBuffer.allocateDirect(BLOCK_SIZE);
        Thread.currentThread().interrupt();
        final int interrupted = reader.read(extent, 0, dst, 0, BLOCK_SIZE);
        assertTrue(Thread.interrupted(), "the interrupt is still pending or was consumed by the channel");
        assertEquals(IO_ERROR, interrupted);

        assertEquals(OK, extent.write(0, ByteBuffer.allocate(BLOCK_SIZE), true), "the owner writes on");
        assertEquals(OK, reader.read(extent, 0, dst, 0, BLOCK_SIZE), "the next reader opens the channel again");
    }

    @Test
    void aReadRacingTheOwnersWritesSeesWholeOldOrNewBlocksOrAMismatchNeverAMix() throws Exception
    {
        final int blocks = 4;
        final byte[][] patterns = new byte[2][blocks * BLOCK_SIZE];
        Arrays.fill(patterns[0], (byte)0x11);
        Arrays.fill(patterns[1], (byte)0x22);
        assertEquals(OK, extent.write(0, ByteBuffer.wrap(patterns[0]), false));
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch started = new CountDownLatch(1);
        final Thread owner = new Thread(() ->
        {
            final ByteBuffer src = ByteBuffer.allocateDirect(blocks * BLOCK_SIZE);
            started.countDown();
            for (int i = 1; i <= 20_000 && !stop.get(); i++)
            {
                src.clear().put(patterns[i & 1]).flip();
                extent.write(0, src, false);
            }
        }, "owner");
        owner.start();
        started.await();
        final ByteBuffer dst = ByteBuffer.allocateDirect(blocks * BLOCK_SIZE);
        int ok = 0;
        try
        {
            for (int i = 0; i < 5_000; i++)
            {
                final int status = reader.read(extent, 0, dst, 0, blocks * BLOCK_SIZE);
                assertTrue(status == OK || status == CHECKSUM_MISMATCH, IoStatus.describe(status));
                if (status == OK)
                {
                    ok++;
                    for (int b = 0; b < blocks; b++)
                    {
                        final byte first = dst.get(b * BLOCK_SIZE);
                        assertTrue(first == 0x11 || first == 0x22, "block " + b + " starts with " + first);
                        for (int at = b * BLOCK_SIZE; at < (b + 1) * BLOCK_SIZE; at++)
                        {
                            if (dst.get(at) != first)
                            {
                                throw new AssertionError("block " + b + " passed its checksum with mixed bytes at " + at);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            stop.set(true);
            owner.join();
        }
        assertTrue(ok > 0, "some reads verified");
    }

    private void flipByte(final long fileOffset) throws IOException
    {
        try (FileChannel raw = FileChannel.open(dir.resolve(ID.fileName()), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            raw.read(one, fileOffset);
            one.put(0, (byte)(one.get(0) ^ 0x40)).clear();
            raw.write(one, fileOffset);
        }
    }
}
