package io.cistern.journal.log;

import io.cistern.journal.store.SnapshotRange;
import io.cistern.journal.store.StoredEvent;
import io.cistern.journal.store.StoredSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bytes of a {@link JournalCommand} in the Raft log, and of the answer to a write.
 * <p>
 * Layout: a format byte ({@link #FORMAT}), a command byte, then the command's fields in declaration
 * order; strings are a length and UTF-8, byte arrays a length and the bytes. Append-only: a later
 * version adds command bytes or a new format byte, and keeps reading these.
 */
public final class JournalCodec
{
    public static final byte FORMAT = 1;

    private static final byte WRITE = 1;
    private static final byte DELETE_TO = 2;
    private static final byte SAVE_SNAPSHOT = 3;
    private static final byte DELETE_SNAPSHOT = 4;
    private static final byte DELETE_SNAPSHOTS = 5;

    private JournalCodec()
    {
    }

    public static byte[] encode(final JournalCommand command)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeByte(FORMAT);
            if (command instanceof JournalCommand.Write write)
            {
                out.writeByte(WRITE);
                out.writeInt(write.writes().size());
                for (final JournalCommand.AtomicWrite atomic : write.writes())
                {
                    writeString(out, atomic.persistenceId());
                    out.writeInt(atomic.events().size());
                    for (final StoredEvent event : atomic.events())
                    {
                        writeEvent(out, event);
                    }
                }
            }
            else if (command instanceof JournalCommand.DeleteTo delete)
            {
                out.writeByte(DELETE_TO);
                writeString(out, delete.persistenceId());
                out.writeLong(delete.toSequenceNr());
            }
            else if (command instanceof JournalCommand.SaveSnapshot save)
            {
                out.writeByte(SAVE_SNAPSHOT);
                writeSnapshot(out, save.snapshot());
            }
            else if (command instanceof JournalCommand.DeleteSnapshot delete)
            {
                out.writeByte(DELETE_SNAPSHOT);
                writeString(out, delete.persistenceId());
                out.writeLong(delete.sequenceNr());
                out.writeLong(delete.timestamp());
            }
            else if (command instanceof JournalCommand.DeleteSnapshots delete)
            {
                out.writeByte(DELETE_SNAPSHOTS);
                writeString(out, delete.persistenceId());
                out.writeLong(delete.range().maxSequenceNr());
                out.writeLong(delete.range().maxTimestamp());
                out.writeLong(delete.range().minSequenceNr());
                out.writeLong(delete.range().minTimestamp());
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static JournalCommand decode(final byte[] bytes)
    {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes)))
        {
            final byte format = in.readByte();
            if (format != FORMAT)
            {
                throw new IllegalArgumentException("journal entry of unknown format " + format
                    + " (this version reads format " + FORMAT + ")");
            }
            final byte type = in.readByte();
            return switch (type)
            {
                case WRITE ->
                {
                    final int writes = in.readInt();
                    final List<JournalCommand.AtomicWrite> atomics = new ArrayList<>(writes);
                    for (int w = 0; w < writes; w++)
                    {
                        final String persistenceId = readString(in);
                        final int count = in.readInt();
                        final List<StoredEvent> events = new ArrayList<>(count);
                        for (int e = 0; e < count; e++)
                        {
                            events.add(readEvent(in));
                        }
                        atomics.add(new JournalCommand.AtomicWrite(persistenceId, events));
                    }
                    yield new JournalCommand.Write(atomics);
                }
                case DELETE_TO -> new JournalCommand.DeleteTo(readString(in), in.readLong());
                case SAVE_SNAPSHOT -> new JournalCommand.SaveSnapshot(readSnapshot(in));
                case DELETE_SNAPSHOT -> new JournalCommand.DeleteSnapshot(readString(in), in.readLong(), in.readLong());
                case DELETE_SNAPSHOTS -> new JournalCommand.DeleteSnapshots(readString(in),
                    new SnapshotRange(in.readLong(), in.readLong(), in.readLong(), in.readLong()));
                default -> throw new IllegalArgumentException("journal entry of unknown command " + type);
            };
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("truncated journal entry of " + bytes.length + " bytes", e);
        }
    }

    /** A write's answer: per atomic write, empty if applied, else why it was rejected. */
    public static byte[] encodeOutcomes(final List<Optional<String>> outcomes)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(outcomes.size());
            for (final Optional<String> outcome : outcomes)
            {
                out.writeBoolean(outcome.isPresent());
                if (outcome.isPresent())
                {
                    writeString(out, outcome.get());
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static List<Optional<String>> decodeOutcomes(final byte[] bytes)
    {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes)))
        {
            final int count = in.readInt();
            final List<Optional<String>> outcomes = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                outcomes.add(in.readBoolean() ? Optional.of(readString(in)) : Optional.empty());
            }
            return outcomes;
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("truncated write answer of " + bytes.length + " bytes", e);
        }
    }

    public static void writeEvent(final DataOutput out, final StoredEvent event) throws IOException
    {
        writeString(out, event.persistenceId());
        out.writeLong(event.sequenceNr());
        out.writeLong(event.ordering());
        writeString(out, event.writerUuid());
        out.writeLong(event.timestamp());
        writeString(out, event.manifest());
        out.writeInt(event.serializerId());
        writeString(out, event.serializerManifest());
        writeBytes(out, event.payload());
        out.writeInt(event.tags().size());
        for (final String tag : event.tags())
        {
            writeString(out, tag);
        }
    }

    public static StoredEvent readEvent(final DataInput in) throws IOException
    {
        final String persistenceId = readString(in);
        final long sequenceNr = in.readLong();
        final long ordering = in.readLong();
        final String writerUuid = readString(in);
        final long timestamp = in.readLong();
        final String manifest = readString(in);
        final int serializerId = in.readInt();
        final String serializerManifest = readString(in);
        final byte[] payload = readBytes(in);
        final int tagCount = in.readInt();
        final Set<String> tags = tagCount == 0 ? Set.of() : new LinkedHashSet<>();
        for (int t = 0; t < tagCount; t++)
        {
            tags.add(readString(in).intern());
        }
        return new StoredEvent(persistenceId, sequenceNr, ordering, writerUuid, timestamp, manifest, serializerId,
            serializerManifest, payload, tags);
    }

    public static void writeSnapshot(final DataOutput out, final StoredSnapshot snapshot) throws IOException
    {
        writeString(out, snapshot.persistenceId());
        out.writeLong(snapshot.sequenceNr());
        out.writeLong(snapshot.timestamp());
        out.writeInt(snapshot.serializerId());
        writeString(out, snapshot.serializerManifest());
        writeBytes(out, snapshot.payload());
    }

    public static StoredSnapshot readSnapshot(final DataInput in) throws IOException
    {
        return new StoredSnapshot(readString(in), in.readLong(), in.readLong(), in.readInt(), readString(in),
            readBytes(in));
    }

    public static void writeString(final DataOutput out, final String value) throws IOException
    {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    public static String readString(final DataInput in) throws IOException
    {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static void writeBytes(final DataOutput out, final byte[] value) throws IOException
    {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(final DataInput in) throws IOException
    {
        final int length = in.readInt();
        if (length < 0)
        {
            throw new IOException("negative length " + length);
        }
        final byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }
}
