package io.cistern.journal.store;

import io.cistern.journal.log.JournalCodec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The keys and values of the {@link EventStore}'s maps. A key that names an entity and a number is the
 * persistence id, a NUL (never in an id or a tag) and the number as 16 hex digits, so the store's
 * string order is the order of the numbers within one id, and one id's keys are one range.
 */
final class StoreKeys
{
    private static final char SEPARATOR = '\u0000';
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private StoreKeys()
    {
    }

    /** An entity's event (by sequence number) or snapshot. */
    static String entity(final String persistenceId, final long number)
    {
        return keyed(persistenceId, number);
    }

    /** The first key of the entity's numbers from {@code number} on. */
    static String entityFrom(final String persistenceId, final long number)
    {
        return keyed(persistenceId, Math.max(0, number));
    }

    /** The last key of the entity's numbers up to {@code number}. */
    static String entityTo(final String persistenceId, final long number)
    {
        return keyed(persistenceId, Math.max(0, number));
    }

    /** A tagged event, by its ordering. */
    static String tagged(final String tag, final long ordering)
    {
        return keyed(tag, Math.max(0, ordering));
    }

    private static String keyed(final String name, final long number)
    {
        final StringBuilder key = new StringBuilder(name.length() + 17).append(name).append(SEPARATOR);
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            key.append(HEX[(int)(number >>> shift) & 0xF]);
        }
        return key.toString();
    }

    static byte[] encode(final StoredEvent event)
    {
        return encode(96 + event.payload().length, out -> JournalCodec.writeEvent(out, event));
    }

    static StoredEvent event(final byte[] bytes)
    {
        return decode(bytes, JournalCodec::readEvent, "event");
    }

    static byte[] encode(final StoredSnapshot snapshot)
    {
        return encode(64 + snapshot.payload().length, out -> JournalCodec.writeSnapshot(out, snapshot));
    }

    static StoredSnapshot snapshot(final byte[] bytes)
    {
        return decode(bytes, JournalCodec::readSnapshot, "snapshot");
    }

    private interface Writer
    {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T>
    {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(final int sizeHint, final Writer writer)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            writer.write(out);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(final byte[] bytes, final Reader<T> reader, final String what)
    {
        try
        {
            return reader.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("a stored " + what + " of " + bytes.length + " bytes does not read back", e);
        }
    }
}
