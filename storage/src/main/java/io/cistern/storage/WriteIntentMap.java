package io.cistern.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.zip.CRC32C;

/**
 * Which regions of an extent were written while another copy of its slab was out of sync: the
 * write-intent map a resync copies from (DESIGN section 4). Kept beside the extent on the same drive,
 * never in the journal, and set before the write it covers is done, so a region that any acknowledged
 * write touched is in the map even if the node crashes right after.
 * <p>
 * A bit is set once per region per outage, so the map costs one small synchronous write each time a
 * degraded slab's write lands in a region not written before; every other write only tests a bit.
 * <p>
 * On disk ({@code <extent file>.wim}), little-endian:
 * <pre>
 *   0  int   magic 0x43574D31 ("CWM1")
 *   4  int   format version (1)
 *   8  long  since: the layout epoch under which tracking began
 *  16  int   region size in bytes (a power of two, at least one 4 KiB block)
 *  20  int   regions covered (ceil(extent length / region size))
 *  24  int   CRC32C of bytes 0..23 and of the bitmap
 *  28  long[] the bitmap, bit r for region r
 * </pre>
 * A map that fails its checksum or does not match its extent is a lost map: {@link #open} throws, and
 * the caller must assume every region is dirty. It is not thread-safe: it belongs to the data server's
 * thread, like the extent it describes.
 */
public final class WriteIntentMap implements Closeable
{
    public static final String SUFFIX = ".wim";
    static final int MAGIC = 0x43574D31;
    static final int VERSION = 1;
    private static final int HEADER_LENGTH = 28;
    private static final int CRC_OFFSET = 24;

    private final Path file;
    private final FileChannel channel;
    private final long since;
    private final int regionBytes;
    private final int regions;
    private final BitSet bits;
    private final ByteBuffer image;

    private WriteIntentMap(final Path file, final FileChannel channel, final long since, final int regionBytes,
                           final int regions, final BitSet bits)
    {
        this.file = file;
        this.channel = channel;
        this.since = since;
        this.regionBytes = regionBytes;
        this.regions = regions;
        this.bits = bits;
        this.image = ByteBuffer.allocate(HEADER_LENGTH + words(regions) * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Where the map of an extent file lives. */
    public static Path pathOf(final Path extentFile)
    {
        return extentFile.resolveSibling(extentFile.getFileName() + SUFFIX);
    }

    /**
     * Starts an empty map for an extent, durably, replacing any old one.
     *
     * @param since the layout epoch under which tracking begins.
     */
    public static WriteIntentMap create(final Path extentFile, final long extentLength, final int regionBytes,
                                        final long since) throws IOException
    {
        if (regionBytes < ExtentFile.BLOCK_SIZE || Integer.bitCount(regionBytes) != 1)
        {
            throw new IllegalArgumentException("region size " + regionBytes + " must be a power of two of at least " +
                ExtentFile.BLOCK_SIZE + " bytes");
        }
        final int regions = (int)((extentLength + regionBytes - 1) / regionBytes);
        final Path path = pathOf(extentFile);
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
        final WriteIntentMap map = new WriteIntentMap(path, channel, since, regionBytes, regions, new BitSet(regions));
        try
        {
            map.persist();
            Directories.force(path.getParent());
            return map;
        }
        catch (final IOException | RuntimeException ex)
        {
            map.close();
            throw ex;
        }
    }

    /**
     * Opens the map of an extent.
     *
     * @return the map, or null if the extent has none (tracking never began).
     * @throws ExtentException (unchecked) if the map is there but cannot be trusted: tracking was lost.
     */
    public static WriteIntentMap open(final Path extentFile, final long extentLength) throws IOException
    {
        final Path path = pathOf(extentFile);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(path);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER_LENGTH || in.getInt(0) != MAGIC || in.getInt(4) != VERSION)
        {
            throw new ExtentException(path + ": not a version " + VERSION + " write-intent map");
        }
        final long since = in.getLong(8);
        final int regionBytes = in.getInt(16);
        final int regions = in.getInt(20);
        if (regionBytes < ExtentFile.BLOCK_SIZE || Integer.bitCount(regionBytes) != 1 ||
            regions != (extentLength + regionBytes - 1) / regionBytes ||
            bytes.length != HEADER_LENGTH + words(regions) * Long.BYTES)
        {
            throw new ExtentException(path + ": a map of " + regions + " regions of " + regionBytes + " bytes in " +
                bytes.length + " bytes does not describe an extent of " + extentLength + " bytes");
        }
        if (in.getInt(CRC_OFFSET) != crc(bytes))
        {
            throw new ExtentException(path + ": checksum mismatch, the write-intent map is lost");
        }
        final long[] words = new long[words(regions)];
        in.position(HEADER_LENGTH);
        in.asLongBuffer().get(words);
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new WriteIntentMap(path, channel, since, regionBytes, regions, BitSet.valueOf(words));
    }

    /** Deletes an extent's map, if it has one: every copy is in sync again. */
    public static void delete(final Path extentFile) throws IOException
    {
        if (Files.deleteIfExists(pathOf(extentFile)))
        {
            Directories.force(extentFile.getParent());
        }
    }

    /**
     * Marks the regions a write to {@code [offset, offset + length)} touches; durable before it returns
     * if any bit was new.
     *
     * @return whether a bit was new (and the map was written).
     */
    public boolean mark(final long offset, final long length) throws IOException
    {
        if (offset < 0 || length <= 0 || offset + length > (long)regions * regionBytes)
        {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside the map's " +
                regions + " regions of " + regionBytes + " bytes");
        }
        final int first = (int)(offset / regionBytes);
        final int last = (int)((offset + length - 1) / regionBytes);
        if (bits.nextClearBit(first) > last)
        {
            return false;
        }
        bits.set(first, last + 1);
        persist();
        return true;
    }

    public long since()
    {
        return since;
    }

    public int regionBytes()
    {
        return regionBytes;
    }

    public int regions()
    {
        return regions;
    }

    public boolean isDirty(final int region)
    {
        return bits.get(region);
    }

    public int dirtyRegions()
    {
        return bits.cardinality();
    }

    /** The bitmap as little-endian words, bit r for region r. */
    public long[] words()
    {
        return java.util.Arrays.copyOf(bits.toLongArray(), words(regions));
    }

    public Path file()
    {
        return file;
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    private void persist() throws IOException
    {
        image.clear();
        image.putInt(MAGIC).putInt(VERSION).putLong(since).putInt(regionBytes).putInt(regions).putInt(0);
        final long[] words = bits.toLongArray();
        for (int i = 0; i < words(regions); i++)
        {
            image.putLong(i < words.length ? words[i] : 0L);
        }
        image.putInt(CRC_OFFSET, crc(image.array()));
        image.flip();
        while (image.hasRemaining())
        {
            channel.write(image, image.position());
        }
        channel.force(false);
    }

    private static int crc(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, CRC_OFFSET);
        crc.update(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
        return (int)crc.getValue();
    }

    private static int words(final int regions)
    {
        return (regions + Long.SIZE - 1) / Long.SIZE;
    }
}
