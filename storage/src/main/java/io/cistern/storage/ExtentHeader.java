package io.cistern.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The first block of an extent file: what the file is, which extent it holds and where its regions
 * start, so the file can be read without any other state.
 *
 * <h2>Layout (format version {@value #FORMAT_VERSION}, little-endian, one {@value ExtentFile#BLOCK_SIZE}-byte block)</h2>
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "CSTEXT01" (8 ASCII bytes)              |  0
 *  +---------------------------------------------------------------+
 *  |                        format version                         |  8
 *  +---------------------------------------------------------------+
 *  |                     block size (4096)                         | 12
 *  +---------------------------------------------------------------+
 *  |                       volume id (64)                          | 16
 *  +---------------------------------------------------------------+
 *  |                           slab                                | 24
 *  +---------------------------------------------------------------+
 *  |                           copy                                | 28
 *  +---------------------------------------------------------------+
 *  |                data length in bytes (64)                      | 32
 *  +---------------------------------------------------------------+
 *  |              checksum region offset (64)                      | 40
 *  +---------------------------------------------------------------+
 *  |                data region offset (64)                        | 48
 *  +---------------------------------------------------------------+
 *  |              CRC32C of bytes 0 to 55                          | 56
 *  +---------------------------------------------------------------+
 *  |                 zeros to the end of the block                 | 60
 *  +---------------------------------------------------------------+
 * </pre>
 * The version sits right after the magic and is checked before the CRC, because a later version may
 * move the CRC. The two region offsets are derived from the length and stored anyway, so a reader
 * checks them instead of trusting its own arithmetic.
 *
 * @param id     the extent this file holds.
 * @param length bytes in the data region, a positive multiple of the block size.
 */
public record ExtentHeader(ExtentId id, long length)
{
    public static final String MAGIC = "CSTEXT01";
    public static final int FORMAT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int BLOCK_SIZE_OFFSET = 12;
    public static final int VOLUME_ID_OFFSET = 16;
    public static final int SLAB_OFFSET = 24;
    public static final int COPY_OFFSET = 28;
    public static final int LENGTH_OFFSET = 32;
    public static final int CHECKSUM_REGION_OFFSET = 40;
    public static final int DATA_REGION_OFFSET = 48;
    public static final int HEADER_CRC_OFFSET = 56;
    public static final int LENGTH = ExtentFile.BLOCK_SIZE;

    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

    /** Where the checksum region starts: right after the header block. */
    public long checksumOffset()
    {
        return LENGTH;
    }

    /** Where the data region starts: after the checksums, rounded up to a block so data blocks stay aligned. */
    public long dataOffset()
    {
        final long checksumBytes = blocks() * ExtentFile.CRC_LENGTH;
        final long mask = ExtentFile.BLOCK_SIZE - 1;
        return LENGTH + ((checksumBytes + mask) & ~mask);
    }

    public long blocks()
    {
        return length / ExtentFile.BLOCK_SIZE;
    }

    /** Bytes of the whole file: header, checksums and data. */
    public long fileLength()
    {
        return dataOffset() + length;
    }

    /** Writes the header block into {@code block} from index 0; the bytes after it are zeroed. */
    public void encode(final ByteBuffer block)
    {
        final ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        for (int i = 0; i < LENGTH; i += Long.BYTES)
        {
            b.putLong(i, 0L);
        }
        b.put(MAGIC_OFFSET, MAGIC_BYTES);
        b.putInt(VERSION_OFFSET, FORMAT_VERSION);
        b.putInt(BLOCK_SIZE_OFFSET, ExtentFile.BLOCK_SIZE);
        b.putLong(VOLUME_ID_OFFSET, id.volumeId());
        b.putInt(SLAB_OFFSET, id.slab());
        b.putInt(COPY_OFFSET, id.copy());
        b.putLong(LENGTH_OFFSET, length);
        b.putLong(CHECKSUM_REGION_OFFSET, checksumOffset());
        b.putLong(DATA_REGION_OFFSET, dataOffset());
        b.putInt(HEADER_CRC_OFFSET, crc(b));
    }

    /**
     * Reads and verifies a header block.
     *
     * @param block the first {@link #LENGTH} bytes of {@code file}, from index 0.
     * @param file  named in refusals.
     * @throws ExtentException if the magic, version, CRC or any field is wrong.
     */
    public static ExtentHeader decode(final ByteBuffer block, final Path file)
    {
        final ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        final byte[] magic = new byte[MAGIC_BYTES.length];
        b.get(MAGIC_OFFSET, magic);
        if (!java.util.Arrays.equals(magic, MAGIC_BYTES))
        {
            throw new ExtentException(file + ": not a Cistern extent (magic is not " + MAGIC + ")");
        }
        final int version = b.getInt(VERSION_OFFSET);
        if (version != FORMAT_VERSION)
        {
            throw new ExtentException(file + ": extent format version " + version +
                " is not supported (this Cistern reads " + FORMAT_VERSION + ")");
        }
        final int storedCrc = b.getInt(HEADER_CRC_OFFSET);
        final int actualCrc = crc(b);
        if (storedCrc != actualCrc)
        {
            throw new ExtentException(file + ": extent header checksum mismatch (stored " +
                Integer.toHexString(storedCrc) + ", computed " + Integer.toHexString(actualCrc) +
                "); the header is damaged, refusing to use or overwrite this extent");
        }
        final int blockSize = b.getInt(BLOCK_SIZE_OFFSET);
        if (blockSize != ExtentFile.BLOCK_SIZE)
        {
            throw new ExtentException(file + ": block size " + blockSize + " is not " + ExtentFile.BLOCK_SIZE);
        }
        final long length = b.getLong(LENGTH_OFFSET);
        final ExtentHeader header;
        try
        {
            ExtentFile.checkLength(length);
            header = new ExtentHeader(new ExtentId(b.getLong(VOLUME_ID_OFFSET), b.getInt(SLAB_OFFSET), b.getInt(COPY_OFFSET)), length);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ExtentException(file + ": malformed extent header: " + ex.getMessage());
        }
        if (b.getLong(CHECKSUM_REGION_OFFSET) != header.checksumOffset() || b.getLong(DATA_REGION_OFFSET) != header.dataOffset())
        {
            throw new ExtentException(file + ": region offsets " + b.getLong(CHECKSUM_REGION_OFFSET) + "/" +
                b.getLong(DATA_REGION_OFFSET) + " do not match length " + length + " (expected " +
                header.checksumOffset() + "/" + header.dataOffset() + ")");
        }
        return header;
    }

    private static int crc(final ByteBuffer b)
    {
        final CRC32C crc = new CRC32C();
        crc.update(b.duplicate().position(0).limit(HEADER_CRC_OFFSET));
        return (int)crc.getValue();
    }
}
