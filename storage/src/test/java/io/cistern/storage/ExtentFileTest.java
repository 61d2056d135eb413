package io.cistern.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;

import static io.cistern.storage.ExtentFile.BLOCK_SIZE;
import static io.cistern.storage.IoStatus.CHECKSUM_MISMATCH;
import static io.cistern.storage.IoStatus.FAILED_STOP;
import static io.cistern.storage.IoStatus.IO_ERROR;
import static io.cistern.storage.IoStatus.OK;
import static io.cistern.storage.IoStatus.OUT_OF_RANGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ExtentFileTest
{
    private static final ExtentId ID = new ExtentId(42, 3, 1);
    private static final int LENGTH = 256 * 1024;
    private static final int BLOCKS = LENGTH / BLOCK_SIZE;

    @TempDir
    Path dir;

    private ExtentFile extent;
    private Path path;
    private long dataOffset;
    private long checksumOffset;

    @BeforeEach
    void createExtent() throws IOException
    {
        extent = ExtentFile.create(dir, ID, LENGTH);
        path = dir.resolve(ID.fileName());
        final ExtentHeader header = new ExtentHeader(ID, LENGTH);
        dataOffset = header.dataOffset();
        checksumOffset = header.checksumOffset();
    }

    @AfterEach
    void closeExtent() throws IOException
    {
        extent.close();
    }

    @Test
    void freshExtentReadsZeros()
    {
        final ByteBuffer all = ByteBuffer.allocate(LENGTH);
        assertEquals(OK, extent.read(0, all));
        assertArrayEquals(new byte[LENGTH], all.array());
        assertEquals(ExtentFile.ALL_GOOD, extent.firstBadBlock(0, BLOCKS));
        assertEquals(ID, extent.id());
        assertEquals(LENGTH, extent.length());
        assertEquals(BLOCKS, extent.blocks());
    }

    @Test
    void storesTheCrcOfAZeroBlockForEveryFreshBlockSoAZeroedChecksumIsNotTrusted() throws IOException
    {
        final CRC32C crc = new CRC32C();
        crc.update(new byte[BLOCK_SIZE]);
        assertEquals((int)crc.getValue(), ExtentFile.ZERO_BLOCK_CRC);
        final ByteBuffer slots = ByteBuffer.allocate(BLOCKS * ExtentFile.CRC_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel raw = FileChannel.open(path, StandardOpenOption.READ))
        {
            raw.read(slots, checksumOffset);
        }
        for (int b = 0; b < BLOCKS; b++)
        {
            assertEquals(ExtentFile.ZERO_BLOCK_CRC, slots.getInt(b * ExtentFile.CRC_LENGTH), "slot " + b);
        }

        rawWrite(checksumOffset + 7L * ExtentFile.CRC_LENGTH, new byte[ExtentFile.CRC_LENGTH]);
        assertEquals(CHECKSUM_MISMATCH, extent.read(7L * BLOCK_SIZE, ByteBuffer.allocate(1)));
        assertEquals(7, extent.lastBadBlock());
    }

    @Test
    void isAFileOfHeaderChecksumsAndSparseDataOfTheStatedLength() throws IOException
    {
        assertEquals(2L * BLOCK_SIZE + LENGTH, Files.size(path), "one header block, one checksum block, the data");
        assertEquals(2L * BLOCK_SIZE, dataOffset);
        assertFalse(Files.exists(dir.resolve(ID.fileName() + ExtentFile.TMP_SUFFIX)), "the temporary file was renamed");
    }

    @Test
    void roundTripsRandomAlignedAndUnalignedIoAgainstAModel() throws IOException
    {
        final Random random = new Random(0x5EED_CAFEL);
        final byte[] model = new byte[LENGTH];
        for (int op = 0; op < 500; op++)
        {
            int offset = random.nextInt(LENGTH);
            int count = random.nextInt(10) < 7 ?
                Math.min(LENGTH - offset, 1 + random.nextInt(3 * BLOCK_SIZE + 17)) : random.nextInt(LENGTH - offset + 1);
            if (random.nextInt(4) == 0)
            {
                offset &= ~(BLOCK_SIZE - 1);
                count = Math.min(LENGTH - offset, (count + BLOCK_SIZE - 1) & ~(BLOCK_SIZE - 1));
            }
            final String what = "op " + op + " at " + offset + " +" + count;
            switch (random.nextInt(5))
            {
                case 0:
                case 1:
                {
                    final byte[] bytes = new byte[count];
                    random.nextBytes(bytes);
                    final ByteBuffer src = padded(count, random.nextBoolean(), random.nextInt(5));
                    final int start = src.position();
                    src.put(bytes).position(start);
                    assertEquals(OK, extent.write(offset, src, random.nextInt(8) == 0), what);
                    assertFalse(src.hasRemaining(), what + ": src consumed");
                    System.arraycopy(bytes, 0, model, offset, count);
                    break;
                }
                case 2:
                    assertEquals(OK, extent.writeZeroes(offset, count, random.nextBoolean()), what);
                    Arrays.fill(model, offset, offset + count, (byte)0);
                    break;
                case 3:
                {
                    assertEquals(OK, extent.trim(offset, count), what);
                    final int from = (offset + BLOCK_SIZE - 1) & ~(BLOCK_SIZE - 1);
                    final int to = (offset + count) & ~(BLOCK_SIZE - 1);
                    if (from < to)
                    {
                        Arrays.fill(model, from, to, (byte)0);
                    }
                    break;
                }
                default:
                    break;
            }
            final int readAt = random.nextInt(LENGTH);
            final int readCount = random.nextInt(3) == 0 ?
                random.nextInt(LENGTH - readAt + 1) : Math.min(LENGTH - readAt, random.nextInt(3 * BLOCK_SIZE + 17));
            assertReads(model, readAt, readCount, random, what + ", then read at " + readAt + " +" + readCount);
        }
        assertEquals(ExtentFile.ALL_GOOD, extent.firstBadBlock(0, BLOCKS));

        extent.close();
        extent = ExtentFile.open(path);
        assertReads(model, 0, LENGTH, random, "after reopen");
    }

    @Test
    void reopenAfterCloseReadsTheSameData() throws IOException
    {
        final byte[] bytes = randomBytes(3 * BLOCK_SIZE + 100, 7);
        assertEquals(OK, extent.write(BLOCK_SIZE - 50, ByteBuffer.wrap(bytes), true));
        extent.close();

        extent = ExtentFile.open(path);
        assertEquals(ID, extent.id());
        assertEquals(LENGTH, extent.length());
        final ByteBuffer dst = ByteBuffer.allocate(bytes.length);
        assertEquals(OK, extent.read(BLOCK_SIZE - 50, dst));
        assertArrayEquals(bytes, dst.array());
    }

    @Test
    void detectsAFlippedDataByteOnReadWithoutHandingItOut() throws IOException
    {
        final byte[] bytes = randomBytes(8 * BLOCK_SIZE, 1);
        assertEquals(OK, extent.write(0, ByteBuffer.wrap(bytes), false));
        flipByte(dataOffset + 5L * BLOCK_SIZE + 100);

        final byte sentinel = (byte)0xA5;
        final ByteBuffer dst = ByteBuffer.allocate(5 * BLOCK_SIZE);
        Arrays.fill(dst.array(), sentinel);
        dst.position(7);
        assertEquals(CHECKSUM_MISMATCH, extent.read(3L * BLOCK_SIZE + 10, dst.slice()));
        assertEquals(5, extent.lastBadBlock());
        assertEquals(7, dst.position(), "a failed read consumes nothing");
        final int block5At = 7 + 2 * BLOCK_SIZE - 10;
        for (int i = block5At; i < block5At + BLOCK_SIZE; i++)
        {
            assertEquals(sentinel, dst.get(i), "byte " + i + " of the corrupt block reached the caller");
        }

        assertEquals(OK, extent.read(4L * BLOCK_SIZE, ByteBuffer.allocate(BLOCK_SIZE)), "a neighbouring block still reads");
        assertEquals(OK, extent.read(6L * BLOCK_SIZE, ByteBuffer.allocate(BLOCK_SIZE)), "a neighbouring block still reads");
        assertEquals(CHECKSUM_MISMATCH, extent.read(5L * BLOCK_SIZE + 4095, ByteBuffer.allocate(1)), "even one byte of it is refused");
    }

    @Test
    void detectsAFlippedChecksumByte() throws IOException
    {
        assertEquals(OK, extent.write(9L * BLOCK_SIZE, ByteBuffer.wrap(randomBytes(BLOCK_SIZE, 2)), false));
        flipByte(checksumOffset + 9L * ExtentFile.CRC_LENGTH + 1);

        assertEquals(CHECKSUM_MISMATCH, extent.read(9L * BLOCK_SIZE + 1000, ByteBuffer.allocate(10)));
        assertEquals(9, extent.lastBadBlock());
    }

    @Test
    void refusesAPartialWriteIntoACorruptBlockAndLeavesItCorrupt() throws IOException
    {
        assertEquals(OK, extent.write(2L * BLOCK_SIZE, ByteBuffer.wrap(randomBytes(BLOCK_SIZE, 3)), false));
        flipByte(dataOffset + 2L * BLOCK_SIZE + 4000);
        final byte[] before = Files.readAllBytes(path);

        final ByteBuffer src = ByteBuffer.wrap(randomBytes(100, 4));
        assertEquals(CHECKSUM_MISMATCH, extent.write(2L * BLOCK_SIZE + 10, src, true));
        assertEquals(2, extent.lastBadBlock());
        assertEquals(0, src.position(), "a refused write consumes nothing");
        assertEquals(CHECKSUM_MISMATCH, extent.writeZeroes(2L * BLOCK_SIZE - 10, 20, false), "a partial zeroing too");
        assertArrayEquals(before, Files.readAllBytes(path), "no fresh checksum blessed the corrupt bytes");
        assertEquals(CHECKSUM_MISMATCH, extent.read(2L * BLOCK_SIZE, ByteBuffer.allocate(BLOCK_SIZE)));
    }

    @Test
    void refusesAnUnalignedWriteWhoseCorruptLastBlockIsInALaterBatchWithoutWritingAnything() throws IOException
    {
        final int lastBlock = ExtentScratch.BATCH_BLOCKS + 8;
        flipByte(dataOffset + (long)lastBlock * BLOCK_SIZE);
        final byte[] before = Files.readAllBytes(path);

        final ByteBuffer src = ByteBuffer.wrap(randomBytes(lastBlock * BLOCK_SIZE + 100, 5));
        assertEquals(CHECKSUM_MISMATCH, extent.write(0, src, false));
        assertEquals(lastBlock, extent.lastBadBlock());
        assertArrayEquals(before, Files.readAllBytes(path), "the earlier batches were not written either");
    }

    @Test
    void aWholeBlockWriteReplacesACorruptBlock() throws IOException
    {
        flipByte(dataOffset + 3L * BLOCK_SIZE + 1);
        final byte[] fresh = randomBytes(2 * BLOCK_SIZE, 6);
        assertEquals(OK, extent.write(3L * BLOCK_SIZE, ByteBuffer.wrap(fresh), false));
        final ByteBuffer dst = ByteBuffer.allocate(fresh.length);
        assertEquals(OK, extent.read(3L * BLOCK_SIZE, dst));
        assertArrayEquals(fresh, dst.array());
    }

    @Test
    void repairBlockHealsACorruptBlock() throws IOException
    {
        final byte[] good = randomBytes(BLOCK_SIZE, 8);
        assertEquals(OK, extent.write(11L * BLOCK_SIZE, ByteBuffer.wrap(good), false));
        flipByte(dataOffset + 11L * BLOCK_SIZE + 17);
        assertEquals(CHECKSUM_MISMATCH, extent.write(11L * BLOCK_SIZE + 1, ByteBuffer.allocate(1), false));

        final ByteBuffer copy = ByteBuffer.allocateDirect(BLOCK_SIZE).put(good).flip();
        assertEquals(OK, extent.repairBlock(11, copy));
        assertFalse(copy.hasRemaining());
        final ByteBuffer dst = ByteBuffer.allocate(BLOCK_SIZE);
        assertEquals(OK, extent.read(11L * BLOCK_SIZE, dst));
        assertArrayEquals(good, dst.array());
        assertEquals(OK, extent.write(11L * BLOCK_SIZE + 1, ByteBuffer.allocate(1), false), "and takes partial writes again");

        assertEquals(OUT_OF_RANGE, extent.repairBlock(BLOCKS, ByteBuffer.allocate(BLOCK_SIZE)));
        assertEquals(OUT_OF_RANGE, extent.repairBlock(-1, ByteBuffer.allocate(BLOCK_SIZE)));
        assertThrows(IllegalArgumentException.class, () -> extent.repairBlock(0, ByteBuffer.allocate(100)));
    }

    @Test
    void firstBadBlockFindsExactlyTheFlippedBlocks() throws IOException
    {
        assertEquals(OK, extent.write(0, ByteBuffer.wrap(randomBytes(LENGTH, 9)), false));
        final long[] flipped = {3, 17, ExtentScratch.BATCH_BLOCKS, 40, BLOCKS - 1};
        for (final long block : flipped)
        {
            flipByte(dataOffset + block * BLOCK_SIZE + 999);
        }

        long from = 0;
        int found = 0;
        for (long bad = extent.firstBadBlock(from, BLOCKS); bad != ExtentFile.ALL_GOOD; bad = extent.firstBadBlock(from, BLOCKS))
        {
            assertEquals(flipped[found++], bad);
            from = bad + 1;
        }
        assertEquals(flipped.length, found);
        assertEquals(ExtentFile.ALL_GOOD, extent.firstBadBlock(4, 17), "a range without a flipped block is good");
        assertEquals(ExtentFile.ALL_GOOD, extent.firstBadBlock(5, 5), "an empty range is good");
        assertThrows(IllegalArgumentException.class, () -> extent.firstBadBlock(0, BLOCKS + 1));
    }

    @Test
    void rejectsWriteBeyondExtentEndWithoutAnyIo() throws IOException
    {
        final FaultyChannel channel = reattachFaulty();
        final ByteBuffer src = ByteBuffer.allocate(20);

        assertEquals(OUT_OF_RANGE, extent.write(LENGTH - 10, src, true));
        assertEquals(OUT_OF_RANGE, extent.write(-1, src, false));
        assertEquals(OUT_OF_RANGE, extent.write(Long.MAX_VALUE, src, false));
        assertEquals(OUT_OF_RANGE, extent.writeZeroes(LENGTH, 1, false));
        assertEquals(OUT_OF_RANGE, extent.writeZeroes(0, -1, false));
        assertEquals(OUT_OF_RANGE, extent.trim(LENGTH - BLOCK_SIZE, 2L * BLOCK_SIZE));
        assertEquals(OUT_OF_RANGE, extent.trim(-BLOCK_SIZE, BLOCK_SIZE));
        assertEquals(0, src.position());
        assertEquals(0, channel.operations(), "a refused write touched the file");
        assertEquals(OK, extent.write(LENGTH - 20, src, false), "the last bytes are in range");
    }

    @Test
    void rejectsReadBeyondExtentEndWithoutAnyIo() throws IOException
    {
        final FaultyChannel channel = reattachFaulty();
        final ByteBuffer dst = ByteBuffer.allocate(20);

        assertEquals(OUT_OF_RANGE, extent.read(LENGTH - 10, dst));
        assertEquals(OUT_OF_RANGE, extent.read(LENGTH, dst));
        assertEquals(OUT_OF_RANGE, extent.read(-1, dst));
        assertEquals(OUT_OF_RANGE, extent.read(Long.MAX_VALUE - 5, dst));
        assertEquals(0, dst.position());
        assertEquals(0, channel.operations(), "a refused read touched the file");
        assertEquals(OK, extent.read(LENGTH, ByteBuffer.allocate(0)), "an empty read at the end is in range");
        assertEquals(OK, extent.read(LENGTH - 20, dst));
    }

    @Test
    void trimZeroesTheWholeBlocksInsideTheRangeAndLeavesItsEdgesAlone() throws IOException
    {
        final byte[] bytes = randomBytes(6 * BLOCK_SIZE, 10);
        assertEquals(OK, extent.write(0, ByteBuffer.wrap(bytes), false));
        flipByte(dataOffset + 10);
        assertEquals(OK, extent.trim(100, 4L * BLOCK_SIZE), "a corrupt edge block does not fail a trim");

        final ByteBuffer dst = ByteBuffer.allocate(5 * BLOCK_SIZE);
        assertEquals(OK, extent.read(BLOCK_SIZE, dst));
        final byte[] expected = Arrays.copyOfRange(bytes, BLOCK_SIZE, 6 * BLOCK_SIZE);
        Arrays.fill(expected, 0, 3 * BLOCK_SIZE, (byte)0);
        assertArrayEquals(expected, dst.array(), "blocks 1-3 trimmed, block 4 (holding the range's end) kept");
        assertEquals(0, extent.firstBadBlock(0, BLOCKS), "block 0, the corrupt edge, was not touched");
    }

    @Test
    void failsStopAfterAWriteErrorButKeepsServingReads() throws IOException
    {
        final FaultyChannel channel = reattachFaulty();
        final byte[] bytes = randomBytes(2 * BLOCK_SIZE, 11);
        assertEquals(OK, extent.write(0, ByteBuffer.wrap(bytes), false));

        channel.failWrites = true;
        assertEquals(IO_ERROR, extent.write(BLOCK_SIZE * 10L, ByteBuffer.allocate(10), false));
        assertTrue(extent.isFailed());
        assertEquals("injected write error", extent.failure().getMessage());

        channel.failWrites = false;
        final int before = channel.operations();
        assertEquals(FAILED_STOP, extent.write(0, ByteBuffer.allocate(10), false), "the disk answering again changes nothing");
        assertEquals(FAILED_STOP, extent.writeZeroes(0, 10, true));
        assertEquals(FAILED_STOP, extent.trim(0, LENGTH));
        assertEquals(FAILED_STOP, extent.repairBlock(0, ByteBuffer.allocate(BLOCK_SIZE)));
        assertEquals(FAILED_STOP, extent.force());
        assertEquals(before, channel.operations(), "a failed-stop extent does no write I/O");

        final ByteBuffer dst = ByteBuffer.allocate(bytes.length);
        assertEquals(OK, extent.read(0, dst), "reads continue, so the data can be copied away");
        assertArrayEquals(bytes, dst.array());
    }

    @Test
    void failsStopAfterAnFsyncError() throws IOException
    {
        final FaultyChannel channel = reattachFaulty();
        channel.failForce = true;
        assertEquals(IO_ERROR, extent.write(0, ByteBuffer.allocate(10), true));
        assertEquals("injected fsync error", extent.failure().getMessage());
        channel.failForce = false;
        assertEquals(FAILED_STOP, extent.force());
        assertEquals(FAILED_STOP, extent.write(0, ByteBuffer.allocate(10), false));
    }

    @Test
    void reportsAReadErrorWithoutFailingStopAndScrubbingCountsItAsABadBlock() throws IOException
    {
        final FaultyChannel channel = reattachFaulty();
        channel.failReads = true;
        assertEquals(IO_ERROR, extent.read(0, ByteBuffer.allocate(10)));
        assertEquals(IO_ERROR, extent.write(5, ByteBuffer.allocate(10), false), "a partial write cannot read its old block");
        assertNull(extent.failure(), "a read error is not fail-stop: nothing was written");
        assertEquals(7, extent.firstBadBlock(7, BLOCKS));

        channel.failReads = false;
        assertEquals(OK, extent.write(5, ByteBuffer.allocate(10), false));
    }

    @Test
    void forcesWhenAskedForFuaAndNotOtherwise() throws IOException
    {
        final FaultyChannel channel = reattachFaulty();
        assertEquals(OK, extent.write(0, ByteBuffer.allocate(10), false));
        assertEquals(0, channel.forces);
        assertEquals(OK, extent.write(0, ByteBuffer.allocate(10), true));
        assertEquals(1, channel.forces);
        assertEquals(OK, extent.force());
        assertEquals(2, channel.forces);
    }

    @Test
    void writesAndReadsWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ByteBuffer src = ByteBuffer.allocateDirect(3 * BLOCK_SIZE);
        final ByteBuffer dst = ByteBuffer.allocate(3 * BLOCK_SIZE);
        for (int i = 0; i < 2_000; i++)
        {
            ioRound(src, dst, i);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 2_000; i++)
        {
            ioRound(src, dst, i);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 4000 calls: even one small object per call would be over 16 KiB.
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 2000 rounds of unaligned I/O");
    }

    @Test
    void refusesToCreateOverAnExistingFileOrWithALengthThatIsNotWholeBlocks() throws IOException
    {
        final String message = assertThrows(ExtentException.class, () -> ExtentFile.create(dir, ID, LENGTH)).getMessage();
        assertTrue(message.contains(path + ": already exists"), message);
        final ExtentId other = new ExtentId(1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> ExtentFile.create(dir, other, BLOCK_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> ExtentFile.create(dir, other, 0));
        assertThrows(IllegalArgumentException.class, () -> ExtentFile.create(dir, other, ExtentFile.MAX_LENGTH + BLOCK_SIZE));
        assertFalse(Files.exists(dir.resolve(other.fileName())));
    }

    @Test
    void refusesAFileWithBadMagic() throws IOException
    {
        extent.close();
        rawWrite(ExtentHeader.MAGIC_OFFSET, "NOTANEXT".getBytes());
        assertRefused(path + ": not a Cistern extent (magic is not CSTEXT01)");
    }

    @Test
    void refusesAFileOfAnotherFormatVersion() throws IOException
    {
        extent.close();
        rawWrite(ExtentHeader.VERSION_OFFSET, new byte[] {9, 0, 0, 0});
        assertRefused(path + ": extent format version 9 is not supported (this Cistern reads 1)");
    }

    @Test
    void refusesAFileWhoseHeaderFailsItsChecksum() throws IOException
    {
        extent.close();
        flipByte(ExtentHeader.LENGTH_OFFSET + 2);
        assertRefused(path + ": extent header checksum mismatch");
    }

    @Test
    void refusesATruncatedFile() throws IOException
    {
        extent.close();
        try (FileChannel raw = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            raw.truncate(Files.size(path) - BLOCK_SIZE);
        }
        assertRefused(path + ": is " + (dataOffset + LENGTH - BLOCK_SIZE) + " bytes but its header says " + (dataOffset + LENGTH));
    }

    @Test
    void refusesAFileNamedForAnotherExtent() throws IOException
    {
        extent.close();
        final Path renamed = Files.move(path, dir.resolve(new ExtentId(42, 3, 2).fileName()));
        final String message = assertThrows(ExtentException.class, () -> ExtentFile.open(renamed)).getMessage();
        assertTrue(message.startsWith(renamed + ": holds extent " + ID + " but is named for"), message);
    }

    @Test
    void refusesUseAfterCloseAsABug() throws IOException
    {
        extent.close();
        assertThrows(IllegalStateException.class, () -> extent.read(0, ByteBuffer.allocate(1)));
        assertThrows(IllegalStateException.class, () -> extent.write(0, ByteBuffer.allocate(1), false));
    }

    @Test
    void describesEveryStatus()
    {
        assertEquals("ok", IoStatus.describe(OK));
        assertEquals("checksum mismatch", IoStatus.describe(CHECKSUM_MISMATCH));
        assertEquals("out of range", IoStatus.describe(OUT_OF_RANGE));
        assertEquals("I/O error", IoStatus.describe(IO_ERROR));
        assertEquals("failed-stop after an earlier I/O error", IoStatus.describe(FAILED_STOP));
        assertEquals("unknown status -99", IoStatus.describe(-99));
    }

    private void ioRound(final ByteBuffer src, final ByteBuffer dst, final int i)
    {
        final long offset = (i * 7919L) % (LENGTH - src.capacity());
        src.clear();
        if (extent.write(offset, src, false) != OK)
        {
            throw new AssertionError("write failed in round " + i);
        }
        dst.clear().limit(dst.capacity() - 1);
        if (extent.read(offset + 1, dst) != OK)
        {
            throw new AssertionError("read failed in round " + i);
        }
    }

    private void assertReads(final byte[] model, final int offset, final int count, final Random random, final String what)
    {
        final int pad = random.nextInt(5);
        final ByteBuffer dst = padded(count, random.nextBoolean(), pad);
        assertEquals(OK, extent.read(offset, dst), what);
        assertEquals(pad + count, dst.position(), what + ": dst advanced by the bytes read");
        final byte[] actual = new byte[count];
        dst.get(pad, actual);
        if (!Arrays.equals(Arrays.copyOfRange(model, offset, offset + count), actual))
        {
            int at = 0;
            while (model[offset + at] == actual[at])
            {
                at++;
            }
            throw new AssertionError(what + ": first difference at extent offset " + (offset + at));
        }
    }

    private static ByteBuffer padded(final int count, final boolean direct, final int pad)
    {
        final ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(pad + count + pad) : ByteBuffer.allocate(pad + count + pad);
        return buffer.position(pad).limit(pad + count);
    }

    private FaultyChannel reattachFaulty() throws IOException
    {
        extent.close();
        final FaultyChannel channel = new FaultyChannel(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
        extent = ExtentFile.attach(path, channel, new ExtentScratch());
        channel.reads = 0;
        return channel;
    }

    private void assertRefused(final String expected)
    {
        final String message = assertThrows(ExtentException.class, () -> extent = ExtentFile.open(path)).getMessage();
        assertTrue(message.startsWith(expected), message);
    }

    private void flipByte(final long fileOffset) throws IOException
    {
        try (FileChannel raw = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            raw.read(one, fileOffset);
            one.put(0, (byte)(one.get(0) ^ 0x40)).clear();
            raw.write(one, fileOffset);
        }
    }

    private void rawWrite(final long fileOffset, final byte[] bytes) throws IOException
    {
        try (FileChannel raw = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            raw.write(ByteBuffer.wrap(bytes), fileOffset);
        }
    }

    private static byte[] randomBytes(final int count, final long seed)
    {
        final byte[] bytes = new byte[count];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
