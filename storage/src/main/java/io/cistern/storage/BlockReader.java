package io.cistern.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

import static io.cistern.storage.ExtentFile.BLOCK_SIZE;
import static io.cistern.storage.ExtentFile.CRC_LENGTH;
import static io.cistern.storage.IoStatus.CHECKSUM_MISMATCH;
import static io.cistern.storage.IoStatus.IO_ERROR;
import static io.cistern.storage.IoStatus.OK;
import static io.cistern.storage.IoStatus.OUT_OF_RANGE;

/**
 * A verified read of whole blocks straight into the caller's buffer, from any thread: the short way
 * for a front end to read an extent on its own node, without handing the request to the extent's
 * owner thread and copying the bytes back.
 * <p>
 * The owner may be writing the same blocks meanwhile. It writes data before checksums, so what a
 * racing read sees is the old block, the new block, or a mismatch. A mismatch here is therefore not
 * proof of damage: it means "ask the owner", whose reads are ordered with its writes and whose
 * mismatches are real. For the same reason this records no {@link ExtentFile#lastBadBlock()}.
 * <p>
 * One per thread: it holds the checksum scratch and the CRC32C. It allocates nothing per read.
 */
public final class BlockReader
{
    private final ByteBuffer crcs;
    private final CRC32C crc = new CRC32C();
    private final int maxBlocks;

    /** @param maxBytes the largest read this reader will make, rounded up to whole blocks. */
    public BlockReader(final int maxBytes)
    {
        this.maxBlocks = Math.max(1, (maxBytes + BLOCK_SIZE - 1) / BLOCK_SIZE);
        this.crcs = ByteBuffer.allocateDirect(maxBlocks * CRC_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether a read of {@code length} bytes at {@code offset} is one this reader can make. */
    public boolean fits(final long offset, final int length)
    {
        return (offset & (BLOCK_SIZE - 1)) == 0 && (length & (BLOCK_SIZE - 1)) == 0 && length > 0 &&
            length / BLOCK_SIZE <= maxBlocks;
    }

    /**
     * Reads {@code length} bytes at {@code offset} of {@code file} into {@code dst} at {@code dstOffset}
     * and verifies every block there. {@code dst}'s position and limit are left as they were.
     *
     * @return {@link IoStatus#OK} when every byte is in place and verified; {@link IoStatus#OUT_OF_RANGE}
     * for a read that is not whole blocks within the extent (see {@link #fits}); otherwise
     * {@link IoStatus#CHECKSUM_MISMATCH} or {@link IoStatus#IO_ERROR} (the extent closed, say), after
     * which {@code dst}'s bytes in the range are unspecified.
     */
    public int read(final ExtentFile file, final long offset, final ByteBuffer dst, final int dstOffset, final int length)
    {
        if (!fits(offset, length) || offset > file.length() - length || dstOffset < 0 || dstOffset > dst.capacity() - length)
        {
            return OUT_OF_RANGE;
        }
        final int position = dst.position();
        final int limit = dst.limit();
        final long firstBlock = offset / BLOCK_SIZE;
        final int blocks = length / BLOCK_SIZE;
        try
        {
            final FileChannel channel = file.sharedChannel();
            dst.limit(dstOffset + length).position(dstOffset);
            ExtentFile.readFully(channel, dst, file.dataOffset() + offset);
            crcs.clear().limit(blocks * CRC_LENGTH);
            ExtentFile.readFully(channel, crcs, file.checksumOffset() + firstBlock * CRC_LENGTH);
            for (int i = 0; i < blocks; i++)
            {
                final int at = dstOffset + i * BLOCK_SIZE;
                dst.limit(at + BLOCK_SIZE).position(at);
                crc.reset();
                crc.update(dst);
                if ((int)crc.getValue() != crcs.getInt(i * CRC_LENGTH))
                {
                    return CHECKSUM_MISMATCH;
                }
            }
            return OK;
        }
        catch (final IOException ex)
        {
            return IO_ERROR;
        }
        finally
        {
            dst.limit(limit).position(position);
        }
    }
}
