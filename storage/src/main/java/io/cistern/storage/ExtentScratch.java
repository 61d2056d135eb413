package io.cistern.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The working memory of extent I/O, allocated once so that reads and writes allocate nothing: a
 * direct buffer for a batch of blocks, one for their checksums, and a CRC32C.
 * <p>
 * Not thread-safe. Extents used by one thread may share one (an {@link ExtentStore} gives all its
 * extents the same one), which keeps the memory per drive, not per open extent.
 */
final class ExtentScratch
{
    /** Blocks moved per system call: large enough for sequential I/O, small enough to share per drive. */
    static final int BATCH_BLOCKS = 32;

    final ByteBuffer blocks = ByteBuffer.allocateDirect(BATCH_BLOCKS * ExtentFile.BLOCK_SIZE);
    final ByteBuffer crcs = ByteBuffer.allocateDirect(BATCH_BLOCKS * ExtentFile.CRC_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    final CRC32C crc = new CRC32C();
}
