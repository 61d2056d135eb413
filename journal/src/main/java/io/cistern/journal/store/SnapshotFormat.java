package io.cistern.journal.store;

import io.cistern.journal.log.JournalCodec;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The snapshot file of an {@link EventStore}: what a member far behind installs from the leader. Its own
 * class because it is a format (append-only like the log's entries), not the store's bookkeeping: the
 * highest sequence number of every entity, every event and every entity snapshot, in key order.
 */
final class SnapshotFormat
{
    static final int FORMAT = 1;

    /** Where {@link #read} puts what it reads. */
    interface Sink
    {
        void entity(String persistenceId, long highestSequenceNr);

        void event(StoredEvent event);

        void snapshot(StoredSnapshot snapshot);
    }

    private SnapshotFormat()
    {
    }

    static void write(final DataOutput out, final long lastOrdering, final MVMap<String, Long> highest,
                      final MVMap<Long, byte[]> events, final MVMap<String, byte[]> snapshots) throws IOException
    {
        out.writeInt(FORMAT);
        out.writeLong(lastOrdering);
        out.writeInt(Math.toIntExact(highest.sizeAsLong()));
        final Cursor<String, Long> entities = highest.cursor(null);
        while (entities.hasNext())
        {
            JournalCodec.writeString(out, entities.next());
            out.writeLong(entities.getValue());
        }
        out.writeInt(Math.toIntExact(events.sizeAsLong()));
        final Cursor<Long, byte[]> stored = events.cursor(null);
        while (stored.hasNext())
        {
            stored.next();
            out.write(stored.getValue()); // already in writeEvent's form
        }
        out.writeInt(Math.toIntExact(snapshots.sizeAsLong()));
        final Cursor<String, byte[]> saved = snapshots.cursor(null);
        while (saved.hasNext())
        {
            saved.next();
            out.write(saved.getValue()); // already in writeSnapshot's form
        }
    }

    /** Reads a file {@link #write} wrote into {@code sink}; returns its last ordering. */
    static long read(final DataInput in, final Sink sink) throws IOException
    {
        final int format = in.readInt();
        if (format != FORMAT)
        {
            throw new IOException("journal snapshot of unknown format " + format);
        }
        final long lastOrdering = in.readLong();
        final int entities = in.readInt();
        for (int i = 0; i < entities; i++)
        {
            sink.entity(JournalCodec.readString(in), in.readLong());
        }
        final int events = in.readInt();
        for (int i = 0; i < events; i++)
        {
            sink.event(JournalCodec.readEvent(in));
        }
        final int snapshots = in.readInt();
        for (int i = 0; i < snapshots; i++)
        {
            sink.snapshot(JournalCodec.readSnapshot(in));
        }
        return lastOrdering;
    }
}
