package io.cistern.actors.pool;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2IntHashMap;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The pool view's state written to this node's data folder, so that a restart reads the events since,
 * not every event the pool ever had (a million slabs' worth of journal took minutes to fold again).
 * <p>
 * A cache, never the truth: the journal is. A snapshot that is missing, torn, fails its CRC or has a format
 * this version does not know is set aside and the view folds the journal from the start, as it always could.
 * Each tag's offset is stored beside the state folded up to it, so the view resumes each stream exactly
 * where the snapshot left it (offsets are the journal's orderings, the same on every node).
 * <p>
 * Compact because every node holds every slab: a slab with nothing in flight is its epoch, extent size and
 * references into a table of the pool's distinct copies (a pool has few: drives x places x states), 30-odd
 * bytes; the rare slab with work in flight, and every drive and volume, is its state in the actors'
 * own serialization ({@link StateCodec}).
 *
 * <pre>
 * "CSTNPVS\0"  int version (1)
 * int tags      { UTF tag, long offset }
 * int drives    { UTF id, state }          state = int length, bytes (StateCodec)
 * int volumes   { UTF id, state }
 * int deleted   { long volumeId }
 * int extents   { int copy, UTF driveId, UTF node, UTF state name }
 * int volumes   { long volumeId, int length, int held { int index, byte kind, 1: long epoch, long extentBytes,
 *                 byte copies { int extent }; 2: state } }
 * int CRC32C of everything before it
 * </pre>
 */
final class ViewSnapshot
{
    private static final byte[] MAGIC = {'C', 'S', 'T', 'N', 'P', 'V', 'S', 0};
    private static final int VERSION = 1;
    private static final byte BARE_LAYOUT = 1;
    private static final byte STATE = 2;

    /** How the states that are not bare layouts become bytes and back: the actors' serializer. */
    interface StateCodec
    {
        byte[] encode(Object state) throws IOException;

        Object decode(byte[] bytes) throws IOException;
    }

    /**
     * What the view holds.
     *
     * @param slabs by volume id, each slab's held value by index: a {@link SlabLayout} (nothing in flight),
     *              another state, or null (see {@link SlabStates}).
     */
    record Contents(Map<String, Long> offsets, Map<String, Object> drives, Map<String, Object> volumes,
                    Set<Long> deletedVolumes, Long2ObjectHashMap<Object[]> slabs)
    {
        int slabCount()
        {
            int count = 0;
            for (final Object[] held : slabs.values())
            {
                for (final Object slab : held)
                {
                    count += slab == null ? 0 : 1;
                }
            }
            return count;
        }
    }

    private ViewSnapshot()
    {
    }

    /** Writes {@code contents} beside {@code file} and moves it in place, so a crash leaves the old one or the new. */
    static long write(final Path file, final Contents contents, final StateCodec codec) throws IOException
    {
        final Path temporary = file.resolveSibling(file.getFileName() + ".writing-" + ProcessHandle.current().pid()
            + "-" + Thread.currentThread().getId());
        try (OutputStream raw = Files.newOutputStream(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE))
        {
            final CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), new CRC32C());
            final DataOutputStream out = new DataOutputStream(checked);
            writeContents(out, contents, codec);
            out.flush();
            new DataOutputStream(raw).writeInt((int) checked.getChecksum().getValue());
        }
        try (var channel = java.nio.channels.FileChannel.open(temporary, StandardOpenOption.WRITE))
        {
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(file);
    }

    private static void writeContents(final DataOutputStream out, final Contents contents, final StateCodec codec) throws IOException
    {
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(contents.offsets().size());
        for (final Map.Entry<String, Long> offset : contents.offsets().entrySet())
        {
            out.writeUTF(offset.getKey());
            out.writeLong(offset.getValue());
        }
        writeStates(out, contents.drives(), codec);
        writeStates(out, contents.volumes(), codec);
        out.writeInt(contents.deletedVolumes().size());
        for (final long volumeId : contents.deletedVolumes())
        {
            out.writeLong(volumeId);
        }

        final Object2IntHashMap<Extent> extentIds = new Object2IntHashMap<>(-1);
        final List<Extent> extents = new ArrayList<>();
        contents.slabs().values().forEach(held ->
        {
            for (final Object slab : held)
            {
                if (slab instanceof SlabLayout layout)
                {
                    for (final Extent extent : layout.extents())
                    {
                        if (extentIds.getValue(extent) < 0)
                        {
                            extentIds.put(extent, extents.size());
                            extents.add(extent);
                        }
                    }
                }
            }
        });
        out.writeInt(extents.size());
        for (final Extent extent : extents)
        {
            out.writeInt(extent.copy());
            out.writeUTF(extent.driveId());
            out.writeUTF(extent.node());
            out.writeUTF(extent.state().name());
        }

        out.writeInt(contents.slabs().size());
        final Long2ObjectHashMap<Object[]>.EntryIterator volumes = contents.slabs().entrySet().iterator();
        while (volumes.hasNext())
        {
            volumes.next();
            final Object[] held = volumes.getValue();
            int count = 0;
            for (final Object slab : held)
            {
                count += slab == null ? 0 : 1;
            }
            out.writeLong(volumes.getLongKey());
            out.writeInt(held.length);
            out.writeInt(count);
            for (int index = 0; index < held.length; index++)
            {
                if (held[index] instanceof SlabLayout layout)
                {
                    out.writeInt(index);
                    out.writeByte(BARE_LAYOUT);
                    out.writeLong(layout.epoch());
                    out.writeLong(layout.extentBytes());
                    out.writeByte(layout.extents().size());
                    for (final Extent extent : layout.extents())
                    {
                        out.writeInt(extentIds.getValue(extent));
                    }
                }
                else if (held[index] != null)
                {
                    out.writeInt(index);
                    out.writeByte(STATE);
                    writeBlob(out, codec.encode(held[index]));
                }
            }
        }
    }

    private static void writeStates(final DataOutputStream out, final Map<String, Object> states, final StateCodec codec)
        throws IOException
    {
        out.writeInt(states.size());
        for (final Map.Entry<String, Object> state : states.entrySet())
        {
            out.writeUTF(state.getKey());
            writeBlob(out, codec.encode(state.getValue()));
        }
    }

    private static void writeBlob(final DataOutputStream out, final byte[] bytes) throws IOException
    {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Reads a snapshot written by {@link #write}.
     *
     * @throws IOException if it is torn, fails its CRC, or is not a snapshot this version reads; the message says which.
     */
    static Contents read(final Path file, final StateCodec codec) throws IOException
    {
        final long size = Files.size(file);
        if (size < MAGIC.length + Integer.BYTES * 2)
        {
            throw new IOException(file + ": " + size + " bytes, too short for a pool view snapshot");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16))
        {
            final CheckedInputStream checked = new CheckedInputStream(new LimitedInput(raw, size - Integer.BYTES), new CRC32C());
            final DataInputStream in = new DataInputStream(checked);
            final Contents contents = readContents(file, in, codec);
            if (in.read() != -1)
            {
                throw new IOException(file + ": bytes after the last volume's slabs");
            }
            final int expected = new DataInputStream(raw).readInt();
            final int actual = (int) checked.getChecksum().getValue();
            if (expected != actual)
            {
                throw new IOException(String.format("%s: CRC32C %08x, the file says %08x", file, actual, expected));
            }
            return contents;
        }
        catch (final java.io.EOFException ex)
        {
            throw new IOException(file + ": ends early (a torn write?)", ex);
        }
    }

    private static Contents readContents(final Path file, final DataInputStream in, final StateCodec codec) throws IOException
    {
        final byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC))
        {
            throw new IOException(file + ": not a pool view snapshot");
        }
        final int version = in.readInt();
        if (version != VERSION)
        {
            throw new IOException(file + ": snapshot format " + version + ", this version reads " + VERSION);
        }
        final Map<String, Long> offsets = new HashMap<>();
        for (int i = count(in, file, "tags"); i > 0; i--)
        {
            offsets.put(in.readUTF(), in.readLong());
        }
        final Map<String, Object> drives = readStates(in, file, "drives", codec);
        final Map<String, Object> volumes = readStates(in, file, "volumes", codec);
        final Set<Long> deleted = new HashSet<>();
        for (int i = count(in, file, "deleted volumes"); i > 0; i--)
        {
            deleted.add(in.readLong());
        }
        final Extent[] extents = new Extent[count(in, file, "extents")];
        for (int i = 0; i < extents.length; i++)
        {
            extents[i] = new Extent(in.readInt(), in.readUTF(), in.readUTF(), extentState(in.readUTF(), file));
        }
        final Long2ObjectHashMap<Object[]> slabs = new Long2ObjectHashMap<>();
        final ArrayList<Extent> copies = new ArrayList<>();
        for (int v = count(in, file, "volumes of slabs"); v > 0; v--)
        {
            final long volumeId = in.readLong();
            final Object[] held = new Object[count(in, file, "slab places")];
            for (int s = count(in, file, "slabs"); s > 0; s--)
            {
                final int index = in.readInt();
                if (index < 0 || index >= held.length)
                {
                    throw new IOException(file + ": slab " + index + " of volume " + volumeId + " beyond its " + held.length);
                }
                final byte kind = in.readByte();
                if (kind == BARE_LAYOUT)
                {
                    final long epoch = in.readLong();
                    final long extentBytes = in.readLong();
                    copies.clear();
                    for (int c = in.readUnsignedByte(); c > 0; c--)
                    {
                        final int extent = in.readInt();
                        if (extent < 0 || extent >= extents.length)
                        {
                            throw new IOException(file + ": slab " + index + " of volume " + volumeId + " names copy " + extent
                                + " of " + extents.length);
                        }
                        copies.add(extents[extent]);
                    }
                    held[index] = new SlabLayout(volumeId, index, epoch, extentBytes, copies);
                }
                else if (kind == STATE)
                {
                    held[index] = decode(codec, readBlob(in, file), file);
                }
                else
                {
                    throw new IOException(file + ": slab " + index + " of volume " + volumeId + " has kind " + kind);
                }
            }
            slabs.put(volumeId, held);
        }
        return new Contents(offsets, drives, volumes, deleted, slabs);
    }

    private static ExtentState extentState(final String name, final Path file) throws IOException
    {
        try
        {
            return ExtentState.valueOf(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException(file + ": unknown copy state " + name, ex);
        }
    }

    private static Map<String, Object> readStates(final DataInputStream in, final Path file, final String what, final StateCodec codec)
        throws IOException
    {
        final Map<String, Object> states = new HashMap<>();
        for (int i = count(in, file, what); i > 0; i--)
        {
            states.put(in.readUTF(), decode(codec, readBlob(in, file), file));
        }
        return states;
    }

    private static Object decode(final StateCodec codec, final byte[] bytes, final Path file) throws IOException
    {
        try
        {
            return codec.decode(bytes);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new IOException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static byte[] readBlob(final DataInputStream in, final Path file) throws IOException
    {
        final int length = count(in, file, "state bytes");
        final byte[] bytes = in.readNBytes(length);
        if (bytes.length < length)
        {
            throw new java.io.EOFException();
        }
        return bytes;
    }

    private static int count(final DataInputStream in, final Path file, final String what) throws IOException
    {
        final int count = in.readInt();
        if (count < 0 || count > 1 << 28)
        {
            throw new IOException(file + ": " + count + " " + what + " (a damaged snapshot)");
        }
        return count;
    }

    /** The bytes before the trailing CRC, so the checksum covers exactly what it was computed over. */
    private static final class LimitedInput extends java.io.FilterInputStream
    {
        private long left;

        LimitedInput(final InputStream in, final long limit)
        {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException
        {
            if (left <= 0)
            {
                return -1;
            }
            final int b = super.read();
            left -= b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException
        {
            if (left <= 0)
            {
                return -1;
            }
            final int n = super.read(b, off, (int) Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }

        @Override
        public void close()
        {
            // the caller closes the stream under it
        }
    }
}
