package io.cistern.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static io.cistern.storage.IoStatus.CHECKSUM_MISMATCH;
import static io.cistern.storage.IoStatus.FAILED_STOP;
import static io.cistern.storage.IoStatus.IO_ERROR;
import static io.cistern.storage.IoStatus.OK;
import static io.cistern.storage.IoStatus.OUT_OF_RANGE;

/**
 * One extent on a drive: a fixed-length file of 4 KiB blocks, each guarded by a CRC32C that is
 * checked before any byte of the block leaves this class and before any byte of it is kept by a
 * partial write. This is the bottom of the data path; the data server agent above it turns the
 * {@link IoStatus} answers into protocol replies and repairs from other copies.
 *
 * <h2>On-disk format (format version {@value ExtentHeader#FORMAT_VERSION}, little-endian)</h2>
 * <pre>
 *  0              4096                         4096 + C                                4096 + C + length
 *  +--------------+----------------------------+---------------------------------------+
 *  | header       | checksum region            | data region                           |
 *  | (one block,  | CRC32C of data block 0, 1, | block 0 | block 1 | ... | block n - 1 |
 *  |  see         | ..., n - 1: 4 bytes each,  | 4096 bytes each, sparse until written |
 *  | ExtentHeader)| zero padded to a block     |                                       |
 *  +--------------+----------------------------+---------------------------------------+
 *  n = length / 4096,   C = 4 * n rounded up to a multiple of 4096
 * </pre>
 * <ul>
 * <li><b>Never-written blocks.</b> {@link #create} stores the CRC32C of an all-zero block in every
 * checksum slot, so a fresh block verifies like any other and a zero slot is not a wildcard: a
 * checksum region that reads back as zeros (lost pages, a punched hole) is detected, not trusted. It
 * costs 4 bytes per block at creation (256 KiB for a 256 MiB extent); the data region stays sparse.</li>
 * <li><b>Crashes.</b> Data is written before its checksums. The checksum covers the whole block, so
 * whatever mix of old and new data and old and new checksum a crash leaves on disk is the old
 * block, the new block, or a mismatch that is detected on read and repaired from a good copy
 * (DESIGN section 5) -- never wrong data that passes. The order matters when a write fails: a data
 * write that failed never gets a checksum that would bless what it left behind.</li>
 * <li><b>Partial blocks</b> are read-modify-write. The old block is verified first; if it is corrupt
 * the write is refused with {@link IoStatus#CHECKSUM_MISMATCH} rather than computing a fresh CRC over
 * bytes nobody vouches for. A whole-block write replaces every byte and needs no verification, which
 * is also how {@link #repairBlock} heals. A write that spans more than one batch of blocks verifies
 * its last partial block before writing anything.</li>
 * <li><b>Fail-stop.</b> After an {@link IOException} on a write or force the file takes no more
 * writes ({@link IoStatus#FAILED_STOP}); after a failed fsync the kernel may have dropped the dirty
 * pages, so writing on would build on a hole. Reads continue, so the data can still be copied away.</li>
 * <li><b>Trim</b> zeroes the whole blocks inside the range and leaves partial blocks at its edges
 * alone: trimmed data is unspecified anyway, and zeroed blocks verify against the zero-block CRC. Java
 * cannot punch holes, so trimmed blocks keep their disk space.</li>
 * </ul>
 * Reads and writes use positional {@link FileChannel} I/O in batches of
 * {@value ExtentScratch#BATCH_BLOCKS} blocks through one {@link ExtentScratch}, and allocate nothing.
 * <p>
 * <b>Not thread-safe:</b> an extent has one owner thread, the node's data server agent. The one
 * exception is {@link BlockReader}, which reads whole verified blocks from any thread beside the owner.
 */
public final class ExtentFile implements Closeable
{
    public static final int BLOCK_SIZE = 4096;
    public static final int CRC_LENGTH = 4;
    /** 1 TiB: keeps the checksum region at 1 GiB at most and every offset far from overflow. */
    public static final long MAX_LENGTH = 1L << 40;
    /** {@link #firstBadBlock} found every block good. */
    public static final long ALL_GOOD = -1;
    /** The CRC32C every block has at creation. */
    public static final int ZERO_BLOCK_CRC = zeroBlockCrc();

    static final String TMP_SUFFIX = ".tmp";
    private static final int BLOCK_SHIFT = 12;
    private static final long BLOCK_MASK = BLOCK_SIZE - 1;
    /** Shared by every extent: read-only, and only ever read with absolute gets, so thread-safe. */
    private static final ByteBuffer ZEROS =
        ByteBuffer.allocateDirect(ExtentScratch.BATCH_BLOCKS * BLOCK_SIZE).asReadOnlyBuffer();

    private final Path file;
    private final FileChannel channel;
    private final ExtentHeader header;
    private final long length;
    private final long blocks;
    private final long checksumOffset;
    private final long dataOffset;
    private final ByteBuffer data;
    private final ByteBuffer crcs;
    private final CRC32C crc;

    private long lastBadBlock = -1;
    private IOException failure;
    private volatile boolean closed;
    /** {@link BlockReader}'s read-only channel, opened at its first read; see {@link #sharedChannel()}. */
    private volatile FileChannel shared;

    private ExtentFile(final Path file, final FileChannel channel, final ExtentHeader header, final ExtentScratch scratch)
    {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.length = header.length();
        this.blocks = header.blocks();
        this.checksumOffset = header.checksumOffset();
        this.dataOffset = header.dataOffset();
        this.data = scratch.blocks;
        this.crcs = scratch.crcs;
        this.crc = scratch.crc;
    }

    /**
     * Creates the extent's file in {@code driveDir}, durably, and opens it. The file is built under a
     * temporary name and renamed into place, so a crash leaves either no extent or a whole one.
     *
     * @param length bytes of data: a positive multiple of {@link #BLOCK_SIZE}, at most {@link #MAX_LENGTH}.
     * @throws ExtentException if the extent's file already exists.
     */
    public static ExtentFile create(final Path driveDir, final ExtentId id, final long length) throws IOException
    {
        return create(driveDir, id, length, new ExtentScratch());
    }

    static ExtentFile create(final Path driveDir, final ExtentId id, final long length, final ExtentScratch scratch)
        throws IOException
    {
        checkLength(length);
        final Path file = driveDir.resolve(id.fileName());
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new ExtentException(file + ": already exists; refusing to create extent " + id + " over it");
        }
        final ExtentHeader header = new ExtentHeader(id, length);
        final Path tmp = driveDir.resolve(id.fileName() + TMP_SUFFIX);
        // A leftover from a create that crashed was never visible as an extent; start from nothing so
        // none of its bytes survive into the data region.
        Files.deleteIfExists(tmp);
        try
        {
            writeNewFile(tmp, header, scratch.blocks);
            moveIntoPlace(tmp, file);
        }
        catch (final IOException | RuntimeException ex)
        {
            try
            {
                Files.deleteIfExists(tmp);
            }
            catch (final IOException cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
        Directories.force(driveDir);
        return open(file, scratch);
    }

    /**
     * Opens an existing extent file after checking its header, its name and its size.
     *
     * @throws ExtentException naming the file and what is wrong with it; the file is left untouched.
     */
    public static ExtentFile open(final Path file) throws IOException
    {
        return open(file, new ExtentScratch());
    }

    static ExtentFile open(final Path file, final ExtentScratch scratch) throws IOException
    {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            return attach(file, channel, scratch);
        }
        catch (final IOException | RuntimeException ex)
        {
            try
            {
                channel.close();
            }
            catch (final IOException cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
    }

    /** Opens the extent over a channel already open on {@code file}; tests pass one that fails on cue. */
    static ExtentFile attach(final Path file, final FileChannel channel, final ExtentScratch scratch) throws IOException
    {
        final long size = channel.size();
        if (size < ExtentHeader.LENGTH)
        {
            throw new ExtentException(file + ": " + size + " bytes is too short for an extent header");
        }
        final ByteBuffer block = scratch.blocks;
        block.clear().limit(ExtentHeader.LENGTH);
        readFully(channel, block, 0);
        final ExtentHeader header = ExtentHeader.decode(block, file);
        final ExtentId named = ExtentId.parse(file.getFileName().toString());
        if (!header.id().equals(named))
        {
            throw new ExtentException(file + ": holds extent " + header.id() + " but is named " +
                (named == null ? "as no extent" : "for " + named) + "; refusing a renamed or copied extent file");
        }
        if (size != header.fileLength())
        {
            throw new ExtentException(file + ": is " + size + " bytes but its header says " + header.fileLength() +
                "; refusing a truncated or extended extent");
        }
        return new ExtentFile(file, channel, header, scratch);
    }

    /**
     * Reads {@code dst.remaining()} bytes from {@code offset} into {@code dst}. Every block touched is
     * verified before any of its bytes is copied.
     *
     * @return {@link IoStatus#OK} with {@code dst}'s position advanced past the bytes; otherwise
     * {@code dst}'s position is unchanged, and any bytes written beyond it came from blocks that passed.
     */
    public int read(final long offset, final ByteBuffer dst)
    {
        ensureOpen();
        final int count = dst.remaining();
        if (!inRange(offset, count))
        {
            return OUT_OF_RANGE;
        }
        final long end = offset + count;
        final long last = (end - 1) >>> BLOCK_SHIFT;
        long block = offset >>> BLOCK_SHIFT;
        long position = offset;
        int dstAt = dst.position();
        while (position < end)
        {
            final int batch = (int)Math.min(ExtentScratch.BATCH_BLOCKS, last - block + 1);
            final int status = readVerified(block, batch, 0);
            if (status != OK)
            {
                return status;
            }
            final long batchStart = block << BLOCK_SHIFT;
            final int from = (int)(position - batchStart); // less than one batch
            final int bytes = (int)(Math.min(end, batchStart + ((long)batch << BLOCK_SHIFT)) - position);
            data.clear();
            dst.put(dstAt, data, from, bytes);
            dstAt += bytes;
            position += bytes;
            block += batch;
        }
        dst.position(dstAt);
        return OK;
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}.
     *
     * @param fua force data and checksums to the drive before returning.
     * @return {@link IoStatus#OK} with {@code src} consumed; otherwise {@code src}'s position is
     * unchanged. {@link IoStatus#CHECKSUM_MISMATCH} means a partially written block was already corrupt
     * ({@link #lastBadBlock()}) and nothing was written: repair it, then retry.
     */
    public int write(final long offset, final ByteBuffer src, final boolean fua)
    {
        return writeRange(offset, src.remaining(), src, fua);
    }

    /** Writes {@code length} zero bytes at {@code offset}; partial blocks as in {@link #write}. */
    public int writeZeroes(final long offset, final long length, final boolean fua)
    {
        return writeRange(offset, length, null, fua);
    }

    /**
     * Discards a range: the whole blocks inside it become zeros; partial blocks at its edges are left
     * as they are (a trim is a hint, and this way it never fails on a corrupt edge block).
     */
    public int trim(final long offset, final long length)
    {
        ensureOpen();
        if (failure != null)
        {
            return FAILED_STOP;
        }
        if (!inRange(offset, length))
        {
            return OUT_OF_RANGE;
        }
        final long firstWhole = (offset + BLOCK_MASK) >>> BLOCK_SHIFT;
        final long endWhole = (offset + length) >>> BLOCK_SHIFT;
        if (firstWhole >= endWhole)
        {
            return OK;
        }
        return writeRange(firstWhole << BLOCK_SHIFT, (endWhole - firstWhole) << BLOCK_SHIFT, null, false);
    }

    /**
     * Overwrites one whole block with a good copy from another extent and forces it: the self-heal path.
     *
     * @param goodBlock exactly {@link #BLOCK_SIZE} bytes remaining; consumed on success.
     */
    public int repairBlock(final long block, final ByteBuffer goodBlock)
    {
        if (goodBlock.remaining() != BLOCK_SIZE)
        {
            throw new IllegalArgumentException("a repair is one whole block of " + BLOCK_SIZE + " bytes, got " +
                goodBlock.remaining());
        }
        ensureOpen();
        if (failure != null)
        {
            return FAILED_STOP;
        }
        if (block < 0 || block >= blocks)
        {
            return OUT_OF_RANGE;
        }
        return writeRange(block << BLOCK_SHIFT, BLOCK_SIZE, goodBlock, true);
    }

    /**
     * Verifies blocks {@code [fromBlock, toBlock)} for a scrubber. A block that cannot be read counts as
     * bad: rewriting it from a good copy is also what cures a latent sector error.
     *
     * @return the first bad block, or {@link #ALL_GOOD}.
     */
    public long firstBadBlock(final long fromBlock, final long toBlock)
    {
        ensureOpen();
        if (fromBlock < 0 || fromBlock > toBlock || toBlock > blocks)
        {
            throw new IllegalArgumentException("blocks [" + fromBlock + ", " + toBlock + ") are not within [0, " + blocks + ")");
        }
        long block = fromBlock;
        while (block < toBlock)
        {
            final int batch = (int)Math.min(ExtentScratch.BATCH_BLOCKS, toBlock - block);
            final int status = readVerified(block, batch, 0);
            if (status == CHECKSUM_MISMATCH)
            {
                return lastBadBlock;
            }
            if (status != OK)
            {
                // Which block would not read? Ask one at a time.
                for (int i = 0; i < batch; i++)
                {
                    if (readVerified(block + i, 1, 0) != OK)
                    {
                        lastBadBlock = block + i;
                        return block + i;
                    }
                }
            }
            block += batch;
        }
        return ALL_GOOD;
    }

    /** Forces data and checksums written so far to the drive. */
    public int force()
    {
        ensureOpen();
        if (failure != null)
        {
            return FAILED_STOP;
        }
        try
        {
            // Data: the file's size never changes after create, so no metadata needs forcing.
            channel.force(false);
            return OK;
        }
        catch (final IOException ex)
        {
            failure = ex;
            return IO_ERROR;
        }
    }

    public ExtentId id()
    {
        return header.id();
    }

    /** Bytes of data, a multiple of {@link #BLOCK_SIZE}. */
    public long length()
    {
        return length;
    }

    public long blocks()
    {
        return blocks;
    }

    public Path file()
    {
        return file;
    }

    /** The block that most recently failed its checksum (or would not read, when scrubbing), or -1. */
    public long lastBadBlock()
    {
        return lastBadBlock;
    }

    /** Why this file is failed-stop, or {@code null} while it takes writes. */
    public IOException failure()
    {
        return failure;
    }

    public boolean isFailed()
    {
        return failure != null;
    }

    @Override
    public void close() throws IOException
    {
        if (!closed)
        {
            closed = true;
            try
            {
                channel.close();
            }
            finally
            {
                closeShared();
            }
        }
    }

    /**
     * The read-only channel that {@link BlockReader}s share. It is not the owner's: a thread interrupted
     * in a {@link FileChannel} read closes that channel, and a front end's reader must not be able to
     * close the owner's. A closed one is opened again by the next reader.
     *
     * @throws ClosedChannelException once this extent is closed.
     */
    FileChannel sharedChannel() throws IOException
    {
        FileChannel current = shared;
        if (current != null && current.isOpen())
        {
            return current;
        }
        synchronized (this)
        {
            current = shared;
            if (closed)
            {
                throw new ClosedChannelException();
            }
            if (current == null || !current.isOpen())
            {
                current = FileChannel.open(file, StandardOpenOption.READ);
                shared = current;
            }
            return current;
        }
    }

    private synchronized void closeShared() throws IOException
    {
        final FileChannel current = shared;
        shared = null;
        if (current != null)
        {
            current.close();
        }
    }

    long dataOffset()
    {
        return dataOffset;
    }

    long checksumOffset()
    {
        return checksumOffset;
    }

    @Override
    public String toString()
    {
        return "ExtentFile(" + file + ")";
    }

    static void checkLength(final long length)
    {
        if (length <= 0 || (length & BLOCK_MASK) != 0 || length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("extent length " + length + " must be a positive multiple of " +
                BLOCK_SIZE + " up to " + MAX_LENGTH);
        }
    }

    private int writeRange(final long offset, final long count, final ByteBuffer src, final boolean fua)
    {
        ensureOpen();
        if (failure != null)
        {
            return FAILED_STOP;
        }
        if (!inRange(offset, count))
        {
            return OUT_OF_RANGE;
        }
        if (count == 0)
        {
            return fua ? force() : OK;
        }
        final long end = offset + count;
        final long first = offset >>> BLOCK_SHIFT;
        final long last = (end - 1) >>> BLOCK_SHIFT;
        final boolean headPartial = offset != first << BLOCK_SHIFT || end < (first + 1) << BLOCK_SHIFT;
        final boolean tailPartial = first != last && end != (last + 1) << BLOCK_SHIFT;
        if (tailPartial && last - first >= ExtentScratch.BATCH_BLOCKS)
        {
            // The tail is in a later batch than the head: check it now, or a corrupt tail would be
            // found only after the earlier batches were written.
            final int status = readVerified(last, 1, 0);
            if (status != OK)
            {
                return status;
            }
        }

        long block = first;
        long position = offset;
        int srcAt = src == null ? 0 : src.position();
        while (position < end)
        {
            final int batch = (int)Math.min(ExtentScratch.BATCH_BLOCKS, last - block + 1);
            if (block == first && headPartial)
            {
                final int status = readVerified(first, 1, 0);
                if (status != OK)
                {
                    return status;
                }
            }
            if (tailPartial && block + batch - 1 == last)
            {
                final int status = readVerified(last, 1, batch - 1);
                if (status != OK)
                {
                    return status;
                }
            }
            final long batchStart = block << BLOCK_SHIFT;
            final int from = (int)(position - batchStart); // less than one batch
            final int bytes = (int)(Math.min(end, batchStart + ((long)batch << BLOCK_SHIFT)) - position);
            data.clear();
            if (src == null)
            {
                data.put(from, ZEROS, 0, bytes);
            }
            else
            {
                data.put(from, src, srcAt, bytes);
                srcAt += bytes;
            }
            crcs.clear();
            for (int i = 0; i < batch; i++)
            {
                crcs.putInt(i * CRC_LENGTH, blockCrc(i * BLOCK_SIZE));
            }
            data.clear().limit(batch * BLOCK_SIZE);
            crcs.clear().limit(batch * CRC_LENGTH);
            try
            {
                writeAll(channel, data, dataOffset + batchStart);
                writeAll(channel, crcs, checksumOffset + block * CRC_LENGTH);
            }
            catch (final IOException ex)
            {
                failure = ex;
                return IO_ERROR;
            }
            position += bytes;
            block += batch;
        }
        if (fua)
        {
            final int status = force();
            if (status != OK)
            {
                return status;
            }
        }
        if (src != null)
        {
            src.position(srcAt);
        }
        return OK;
    }

    /** Reads blocks {@code [block, block + count)} into scratch slots from {@code slot} and verifies each. */
    private int readVerified(final long block, final int count, final int slot)
    {
        data.clear().position(slot * BLOCK_SIZE).limit((slot + count) * BLOCK_SIZE);
        crcs.clear().position(slot * CRC_LENGTH).limit((slot + count) * CRC_LENGTH);
        try
        {
            readFully(channel, data, dataOffset + (block << BLOCK_SHIFT));
            readFully(channel, crcs, checksumOffset + block * CRC_LENGTH);
        }
        catch (final IOException ex)
        {
            return IO_ERROR;
        }
        for (int i = 0; i < count; i++)
        {
            if (blockCrc((slot + i) * BLOCK_SIZE) != crcs.getInt((slot + i) * CRC_LENGTH))
            {
                lastBadBlock = block + i;
                return CHECKSUM_MISMATCH;
            }
        }
        return OK;
    }

    private int blockCrc(final int at)
    {
        data.clear().position(at).limit(at + BLOCK_SIZE);
        crc.reset();
        crc.update(data);
        return (int)crc.getValue();
    }

    private boolean inRange(final long offset, final long count)
    {
        return offset >= 0 && count >= 0 && offset <= length - count;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(file + ": used after close");
        }
    }

    static void readFully(final FileChannel channel, final ByteBuffer buffer, final long position) throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, at);
            if (read < 0)
            {
                throw new EOFException("end of file at " + at + " (the extent file is shorter than its header says)");
            }
            at += read;
        }
    }

    private static void writeNewFile(final Path tmp, final ExtentHeader header, final ByteBuffer buffer) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw"))
        {
            // setLength extends without writing, so the data region stays a hole until written.
            raf.setLength(header.fileLength());
            final FileChannel channel = raf.getChannel();
            buffer.clear();
            header.encode(buffer);
            buffer.limit(ExtentHeader.LENGTH);
            writeAll(channel, buffer, 0);

            final ByteBuffer slots = buffer.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < slots.capacity(); i += CRC_LENGTH)
            {
                slots.putInt(i, ZERO_BLOCK_CRC);
            }
            long position = header.checksumOffset();
            long remaining = header.blocks() * CRC_LENGTH;
            while (remaining > 0)
            {
                slots.clear().limit((int)Math.min(slots.capacity(), remaining));
                remaining -= slots.remaining();
                position = writeAll(channel, slots, position);
            }
            channel.force(true);
        }
    }

    private static long writeAll(final FileChannel channel, final ByteBuffer buffer, final long position) throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            at += channel.write(buffer, at);
        }
        return at;
    }

    private static void moveIntoPlace(final Path tmp, final Path file) throws IOException
    {
        try
        {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(tmp, file);
        }
    }

    private static int zeroBlockCrc()
    {
        final CRC32C zero = new CRC32C();
        zero.update(new byte[BLOCK_SIZE]);
        return (int)zero.getValue();
    }
}
