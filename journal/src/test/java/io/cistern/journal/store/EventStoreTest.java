package io.cistern.journal.store;

import io.cistern.journal.log.JournalCodec;
import io.cistern.journal.log.JournalCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventStoreTest
{
    private static StoredEvent event(final String id, final long seq, final String... tags)
    {
        return new StoredEvent(id, seq, 0, "writer", 1000 + seq, "", 7, "m", new byte[]{(byte) seq}, Set.of(tags));
    }

    private static JournalCommand.Write write(final String id, final StoredEvent... events)
    {
        return new JournalCommand.Write(List.of(new JournalCommand.AtomicWrite(id, List.of(events))));
    }

    /** Every command goes through the log's bytes, as it does in a cluster. */
    private static List<Optional<String>> apply(final EventStore store, final JournalCommand command)
    {
        return store.apply(JournalCodec.decode(JournalCodec.encode(command)));
    }

    @Test
    void ordersEventsAcrossEntitiesAndFollowsTags()
    {
        final EventStore store = new EventStore();
        apply(store, write("a", event("a", 1, "drive"), event("a", 2, "drive")));
        apply(store, write("b", event("b", 1, "slab")));
        apply(store, write("a", event("a", 3, "drive", "slab")));

        assertEquals(List.of(1L, 2L, 4L), store.eventsByTag("drive", 0, 100).stream().map(StoredEvent::ordering).toList());
        assertEquals(List.of(3L, 4L), store.eventsByTag("slab", 0, 100).stream().map(StoredEvent::ordering).toList());
        assertEquals(List.of(4L), store.eventsByTag("drive", 2, 100).stream().map(StoredEvent::ordering).toList(),
            "an offset is exclusive: the next read starts after the last event seen");
        assertEquals(3, store.highestSequenceNr("a"));
        assertEquals(List.of(2L, 3L), store.events("a", 2, 10, 10).stream().map(StoredEvent::sequenceNr).toList());
        assertArrayEquals(new byte[]{3}, store.events("a", 3, 3, 1).get(0).payload());
    }

    @Test
    void aSecondWriterOfTheSameSequenceNumbersIsRefusedWhole()
    {
        final EventStore store = new EventStore();
        assertEquals(List.of(Optional.empty()), apply(store, write("a", event("a", 1), event("a", 2))));
        final List<Optional<String>> refused = apply(store, write("a", event("a", 2), event("a", 3)));
        assertTrue(refused.get(0).isPresent());
        assertTrue(refused.get(0).get().contains("already has event 2"), refused.get(0).get());
        assertEquals(2, store.highestSequenceNr("a"));
        assertEquals(2, store.eventCount(), "nothing of the refused write was kept");
    }

    @Test
    void deletesKeepTheHighestSequenceNumber()
    {
        final EventStore store = new EventStore();
        apply(store, write("a", event("a", 1, "t"), event("a", 2, "t"), event("a", 3, "t")));
        apply(store, new JournalCommand.DeleteTo("a", 2));
        assertEquals(List.of(3L), store.events("a", 0, Long.MAX_VALUE, 10).stream().map(StoredEvent::sequenceNr).toList());
        assertEquals(1, store.eventsByTag("t", 0, 10).size());
        assertEquals(3, store.highestSequenceNr("a"));
    }

    @Test
    void snapshotsAreSelectedByCriteriaAndDeleted()
    {
        final EventStore store = new EventStore();
        for (long seq = 10; seq <= 30; seq += 10)
        {
            apply(store, new JournalCommand.SaveSnapshot(new StoredSnapshot("a", seq, seq * 100, 7, "m", new byte[]{(byte) seq})));
        }
        final SnapshotRange all = new SnapshotRange(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0);
        assertEquals(30, store.snapshot("a", all).orElseThrow().sequenceNr());
        assertEquals(20, store.snapshot("a", new SnapshotRange(25, Long.MAX_VALUE, 0, 0)).orElseThrow().sequenceNr());
        apply(store, new JournalCommand.DeleteSnapshot("a", 30, 0));
        assertEquals(20, store.snapshot("a", all).orElseThrow().sequenceNr());
        apply(store, new JournalCommand.DeleteSnapshots("a", new SnapshotRange(20, Long.MAX_VALUE, 0, 0)));
        assertFalse(store.snapshot("a", all).isPresent());
    }

    @Test
    void aSnapshotOfTheStoreRestoresItExactly() throws IOException
    {
        final EventStore store = new EventStore();
        apply(store, write("a", event("a", 1, "t"), event("a", 2)));
        apply(store, write("b", event("b", 1, "t")));
        apply(store, new JournalCommand.DeleteTo("a", 1));
        apply(store, new JournalCommand.SaveSnapshot(new StoredSnapshot("b", 1, 5, 7, "m", new byte[]{9})));

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeTo(new DataOutputStream(bytes));
        final EventStore restored = new EventStore();
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertEquals(2, restored.highestSequenceNr("a"));
        assertEquals(List.of(3L), restored.eventsByTag("t", 0, 10).stream().map(StoredEvent::ordering).toList());
        assertEquals(2, restored.eventCount());
        assertArrayEquals(new byte[]{9}, restored.snapshot("b", new SnapshotRange(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0))
            .orElseThrow().payload());
        // Orderings go on from where the snapshot left off, as they do on the nodes that never restarted.
        apply(restored, write("b", event("b", 2, "t")));
        assertEquals(List.of(3L, 4L), restored.eventsByTag("t", 0, 10).stream().map(StoredEvent::ordering).toList());
    }

    @Test
    void aStoreOnDiskReopensAtItsLastCommitWithTheEntryItHadApplied(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("events.mv.db");
        final EventStore store = EventStore.open(file);
        store.apply(decoded(write("a", event("a", 1, "t"), event("a", 2))), 1, 5);
        store.apply(decoded(write("prefix", event("prefix", 1, "t"))), 1, 6);
        store.commit();
        // Applied but never committed: a process killed here loses it from the store, and the log (which
        // kept it) applies it again after the restart.
        store.apply(decoded(write("a", event("a", 3, "t"))), 2, 7);
        store.abandon();

        final EventStore reopened = EventStore.open(file);
        assertEquals(6, reopened.appliedIndex());
        assertEquals(1, reopened.appliedTerm());
        assertEquals(2, reopened.highestSequenceNr("a"));
        assertEquals(3, reopened.eventCount());
        assertEquals(List.of(1L, 2L), reopened.events("a", 0, Long.MAX_VALUE, 10).stream().map(StoredEvent::sequenceNr).toList(),
            "an id's range holds only its own events, not those of an id it is a prefix of");
        assertEquals(List.of(1L, 3L), reopened.eventsByTag("t", 0, 10).stream().map(StoredEvent::ordering).toList());
        // The entry is applied again, with the ordering it had: every node numbers the same entries alike.
        reopened.apply(decoded(write("a", event("a", 3, "t"))), 2, 7);
        assertEquals(List.of(1L, 3L, 4L), reopened.eventsByTag("t", 0, 10).stream().map(StoredEvent::ordering).toList());
        reopened.close();

        final EventStore closed = EventStore.open(file);
        assertEquals(7, closed.appliedIndex(), "a store closed in order keeps everything applied");
        assertEquals(List.of("a", "prefix"), closed.persistenceIds());
        closed.close();
    }

    private static JournalCommand decoded(final JournalCommand command)
    {
        return JournalCodec.decode(JournalCodec.encode(command));
    }
}
