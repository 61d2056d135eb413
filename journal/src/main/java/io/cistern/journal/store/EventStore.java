package io.cistern.journal.store;

import io.cistern.journal.log.JournalCommand;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A node's copy of the journal: what the replicated log's committed entries say, applied in log order.
 * Every node applies the same entries in the same order, so every node's store holds the same events
 * with the same orderings. Pure bookkeeping: no Raft and no Pekko here, so it is tested directly.
 * <p>
 * The events live on disk, in an H2 MVStore file (a log-structured B-tree store), not in the heap: a
 * pool of S2D's largest size has millions of slabs, and every node keeps every event, so what a node's
 * heap holds of the journal must not grow with the pool. The store's page cache is bounded
 * ({@link #CACHE_MIB}). The file also remembers which log entry it has applied
 * ({@link #appliedIndex()}), written in the same commit as that entry's events: a restarted node opens
 * it and replays only the log after it, instead of loading a snapshot of the whole journal into memory.
 * Commits are made by the one writer, between entries ({@link #commitIfDue()}, {@link #commit()}), so
 * a commit never holds half an entry.
 * <p>
 * One writer (the log's apply thread) and many readers (journal replays, queries). Readers that follow
 * the journal live wait on {@link #changed()}, which completes at the next apply: events reach them when
 * they commit, not on a poll.
 */
public final class EventStore implements AutoCloseable
{
    /** The MVStore's page cache: the heap the journal's copy may take, whatever the pool's size. */
    private static final int CACHE_MIB = 16;
    /** Uncommitted changes are held in memory; past this many bytes of them the writer commits. */
    private static final int COMMIT_AFTER_BYTES = 4 << 20;

    private static final String LAST_ORDERING = "lastOrdering";
    private static final String PAYLOAD_BYTES = "payloadBytes";
    private static final String EVENT_COUNT = "events";
    private static final String APPLIED_TERM = "appliedTerm";
    private static final String APPLIED_INDEX = "appliedIndex";

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final MVStore mv;
    /** ordering -> the event as {@link JournalCodec#writeEvent} writes it. */
    private final MVMap<Long, byte[]> byOrdering;
    /** {@link StoreKeys#entity} -> ordering. */
    private final MVMap<String, Long> byEntity;
    /** Highest sequence number ever written per entity: it survives deletes, as Pekko requires. */
    private final MVMap<String, Long> highest;
    /** {@link StoreKeys#tagged} -> ordering. */
    private final MVMap<String, Long> byTag;
    /** {@link StoreKeys#entity} (by sequence number) -> the snapshot as {@link JournalCodec#writeSnapshot} writes it. */
    private final MVMap<String, byte[]> snapshots;
    /** Counters, and the log entry applied last. */
    private final MVMap<String, Long> meta;
    private long lastOrdering;
    /** Serialized bytes of the events held (payloads only): what the journal holds, not what the heap costs. */
    private long payloadBytes;
    private long eventCount;
    private volatile CompletableFuture<Void> changed = new CompletableFuture<>();

    /** A store in memory only, for tests and tools. */
    public EventStore()
    {
        this(new MVStore.Builder().autoCommitDisabled().cacheSize(CACHE_MIB).open());
    }

    private EventStore(final MVStore mv)
    {
        this.mv = mv;
        this.byOrdering = mv.openMap("events");
        this.byEntity = mv.openMap("byEntity");
        this.highest = mv.openMap("highest");
        this.byTag = mv.openMap("byTag");
        this.snapshots = mv.openMap("snapshots");
        this.meta = mv.openMap("meta");
        this.lastOrdering = meta.getOrDefault(LAST_ORDERING, 0L);
        this.payloadBytes = meta.getOrDefault(PAYLOAD_BYTES, 0L);
        this.eventCount = meta.getOrDefault(EVENT_COUNT, 0L);
    }

    /**
     * Opens (or creates) the store in {@code file}, as its last commit left it. Nothing is committed in
     * the background: only the writer commits, between entries.
     */
    public static EventStore open(final Path file) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new EventStore(new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().cacheSize(CACHE_MIB)
            .open());
    }

    /** Applies one committed command; for a write, per atomic write empty or why it was rejected. */
    public List<Optional<String>> apply(final JournalCommand command)
    {
        return apply(command, -1, -1);
    }

    /**
     * Applies the command of log entry {@code index} (of {@code term}) and records the entry as applied,
     * in the same commit as its effects.
     */
    public List<Optional<String>> apply(final JournalCommand command, final long term, final long index)
    {
        final List<Optional<String>> outcomes;
        lock.writeLock().lock();
        try
        {
            if (command instanceof JournalCommand.Write write)
            {
                outcomes = write.writes().stream().map(this::write).toList();
            }
            else
            {
                outcomes = List.of();
                applyOther(command);
            }
            counters();
            if (index >= 0)
            {
                applied(term, index);
            }
        }
        finally
        {
            lock.writeLock().unlock();
        }
        signal();
        return outcomes;
    }

    private void applyOther(final JournalCommand command)
    {
        if (command instanceof JournalCommand.DeleteTo delete)
        {
            deleteTo(delete.persistenceId(), delete.toSequenceNr());
        }
        else if (command instanceof JournalCommand.SaveSnapshot save)
        {
            final StoredSnapshot s = save.snapshot();
            snapshots.put(StoreKeys.entity(s.persistenceId(), s.sequenceNr()), StoreKeys.encode(s));
        }
        else if (command instanceof JournalCommand.DeleteSnapshot delete)
        {
            final String key = StoreKeys.entity(delete.persistenceId(), delete.sequenceNr());
            final byte[] bytes = snapshots.get(key);
            if (bytes != null && (delete.timestamp() == 0 || delete.timestamp() == StoreKeys.snapshot(bytes).timestamp()))
            {
                snapshots.remove(key);
            }
        }
        else if (command instanceof JournalCommand.DeleteSnapshots delete)
        {
            final List<String> gone = new ArrayList<>();
            final Cursor<String, byte[]> cursor = snapshots.cursor(StoreKeys.entityFrom(delete.persistenceId(), 0),
                StoreKeys.entityTo(delete.persistenceId(), Long.MAX_VALUE), false);
            while (cursor.hasNext())
            {
                final String key = cursor.next();
                if (delete.range().contains(StoreKeys.snapshot(cursor.getValue())))
                {
                    gone.add(key);
                }
            }
            gone.forEach(snapshots::remove);
        }
    }

    private Optional<String> write(final JournalCommand.AtomicWrite atomic)
    {
        final long before = highest.getOrDefault(atomic.persistenceId(), 0L);
        long expected = before + 1;
        for (final StoredEvent event : atomic.events())
        {
            // Two writers of one entity (a split brain, a restarted actor racing its old incarnation): the
            // second to commit finds its sequence numbers taken and is refused as a whole.
            if (event.sequenceNr() < expected)
            {
                return Optional.of(atomic.persistenceId() + " already has event " + event.sequenceNr()
                    + " (highest " + before + "): another writer of this entity got there first");
            }
            expected = event.sequenceNr() + 1;
        }
        for (final StoredEvent event : atomic.events())
        {
            store(event.withOrdering(++lastOrdering));
        }
        highest.put(atomic.persistenceId(), expected - 1);
        return Optional.empty();
    }

    /** One event with its ordering, and its indexes. */
    private void store(final StoredEvent event)
    {
        payloadBytes += event.payload().length;
        eventCount++;
        // The event first, then its indexes: a reader following an index always finds the event.
        byOrdering.put(event.ordering(), StoreKeys.encode(event));
        byEntity.put(StoreKeys.entity(event.persistenceId(), event.sequenceNr()), event.ordering());
        for (final String tag : event.tags())
        {
            byTag.put(StoreKeys.tagged(tag, event.ordering()), event.ordering());
        }
    }

    private void deleteTo(final String persistenceId, final long toSequenceNr)
    {
        final List<String> gone = new ArrayList<>();
        final Cursor<String, Long> cursor = byEntity.cursor(StoreKeys.entityFrom(persistenceId, 0),
            StoreKeys.entityTo(persistenceId, toSequenceNr), false);
        while (cursor.hasNext())
        {
            gone.add(cursor.next());
            final long ordering = cursor.getValue();
            final byte[] bytes = byOrdering.remove(ordering);
            if (bytes != null)
            {
                final StoredEvent event = StoreKeys.event(bytes);
                payloadBytes -= event.payload().length;
                eventCount--;
                for (final String tag : event.tags())
                {
                    byTag.remove(StoreKeys.tagged(tag, ordering));
                }
            }
        }
        gone.forEach(byEntity::remove);
    }

    private void counters()
    {
        meta.put(LAST_ORDERING, lastOrdering);
        meta.put(PAYLOAD_BYTES, payloadBytes);
        meta.put(EVENT_COUNT, eventCount);
    }

    private void applied(final long term, final long index)
    {
        meta.put(APPLIED_TERM, term);
        meta.put(APPLIED_INDEX, index);
    }

    /**
     * Records that the log has applied entry {@code index} (of {@code term}) though it held no command of
     * the store's (a configuration change, say), so that a snapshot at that index finds the store there.
     */
    public void markApplied(final long term, final long index)
    {
        lock.writeLock().lock();
        try
        {
            applied(term, index);
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }

    /** The log entry whose command the store applied last, or -1; after a restart, as the last commit left it. */
    public long appliedIndex()
    {
        return meta.getOrDefault(APPLIED_INDEX, -1L);
    }

    /** The term of {@link #appliedIndex()}, or -1. */
    public long appliedTerm()
    {
        return meta.getOrDefault(APPLIED_TERM, -1L);
    }

    /** Commits when enough has changed since the last commit. Called by the writer between entries. */
    public void commitIfDue()
    {
        if (mv.getUnsavedMemory() > COMMIT_AFTER_BYTES)
        {
            mv.commit();
        }
    }

    /** Commits everything applied so far and forces it to the disk: the log before it may be purged. */
    public void commit()
    {
        mv.commit();
        if (mv.getFileStore() != null)
        {
            mv.sync();
        }
    }

    /** Completes at the next apply. */
    public CompletableFuture<Void> changed()
    {
        return changed;
    }

    private void signal()
    {
        final CompletableFuture<Void> applied = changed;
        changed = new CompletableFuture<>();
        applied.complete(null);
    }

    public long highestSequenceNr(final String persistenceId)
    {
        lock.readLock().lock();
        try
        {
            return highest.getOrDefault(persistenceId, 0L);
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /** Events of one entity in {@code [from, to]}, at most {@code max}. */
    public List<StoredEvent> events(final String persistenceId, final long from, final long to, final long max)
    {
        if (from > to)
        {
            return List.of();
        }
        lock.readLock().lock();
        try
        {
            final List<StoredEvent> found = new ArrayList<>();
            final Cursor<String, Long> cursor = byEntity.cursor(StoreKeys.entityFrom(persistenceId, from),
                StoreKeys.entityTo(persistenceId, to), false);
            while (cursor.hasNext() && found.size() < max)
            {
                cursor.next();
                found.add(StoreKeys.event(byOrdering.get(cursor.getValue())));
            }
            return found;
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /** Events with the tag whose ordering is above {@code afterOrdering}, in ordering, at most {@code max}. */
    public List<StoredEvent> eventsByTag(final String tag, final long afterOrdering, final int max)
    {
        lock.readLock().lock();
        try
        {
            final List<StoredEvent> found = new ArrayList<>();
            final Cursor<String, Long> cursor = byTag.cursor(StoreKeys.tagged(tag, afterOrdering + 1),
                StoreKeys.tagged(tag, Long.MAX_VALUE), false);
            while (cursor.hasNext() && found.size() < max)
            {
                cursor.next();
                found.add(StoreKeys.event(byOrdering.get(cursor.getValue())));
            }
            return found;
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    public List<String> persistenceIds()
    {
        lock.readLock().lock();
        try
        {
            final List<String> ids = new ArrayList<>();
            final Iterator<String> keys = highest.keyIterator(null);
            keys.forEachRemaining(ids::add);
            return ids;
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /** The latest snapshot in the range (highest sequence number, then latest timestamp). */
    public Optional<StoredSnapshot> snapshot(final String persistenceId, final SnapshotRange range)
    {
        lock.readLock().lock();
        try
        {
            final Cursor<String, byte[]> cursor = snapshots.cursor(StoreKeys.entityTo(persistenceId, Long.MAX_VALUE),
                StoreKeys.entityFrom(persistenceId, 0), true);
            while (cursor.hasNext())
            {
                cursor.next();
                final StoredSnapshot s = StoreKeys.snapshot(cursor.getValue());
                if (range.contains(s))
                {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    public long eventCount()
    {
        lock.readLock().lock();
        try
        {
            return eventCount;
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /** Serialized bytes of the events held. */
    public long payloadBytes()
    {
        lock.readLock().lock();
        try
        {
            return payloadBytes;
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /** The whole store, for a snapshot of the replicated log's state (streamed from the disk; see {@link SnapshotFormat}). */
    public void writeTo(final DataOutput out) throws IOException
    {
        lock.readLock().lock();
        try
        {
            SnapshotFormat.write(out, lastOrdering, highest, byOrdering, snapshots);
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /**
     * Replaces the store's contents with what {@link #writeTo} wrote, applied up to entry {@code index} of
     * {@code term}, and commits.
     */
    public void readFrom(final DataInput in, final long term, final long index) throws IOException
    {
        lock.writeLock().lock();
        try
        {
            for (final MVMap<?, ?> map : List.of(byOrdering, byEntity, highest, byTag, snapshots, meta))
            {
                map.clear();
            }
            payloadBytes = 0;
            eventCount = 0;
            lastOrdering = SnapshotFormat.read(in, new SnapshotFormat.Sink()
            {
                @Override
                public void entity(final String persistenceId, final long highestSequenceNr)
                {
                    highest.put(persistenceId, highestSequenceNr);
                }

                @Override
                public void event(final StoredEvent event)
                {
                    store(event);
                    if (eventCount % 10_000 == 0)
                    {
                        mv.commit(); // keeps what is held in memory bounded while a large snapshot loads
                    }
                }

                @Override
                public void snapshot(final StoredSnapshot snapshot)
                {
                    snapshots.put(StoreKeys.entity(snapshot.persistenceId(), snapshot.sequenceNr()), StoreKeys.encode(snapshot));
                }
            });
            counters();
            applied(term, index);
            commit();
        }
        finally
        {
            lock.writeLock().unlock();
        }
        signal();
    }

    /** Replaces the store's contents with what {@link #writeTo} wrote (no log position: tests and tools). */
    public void readFrom(final DataInput in) throws IOException
    {
        readFrom(in, -1, -1);
    }

    /** Closes the file without committing, as a killed process leaves it: for tests of what a restart finds. */
    void abandon()
    {
        mv.closeImmediately();
    }

    /** Commits what was applied and closes the file. */
    @Override
    public void close()
    {
        lock.writeLock().lock();
        try
        {
            if (!mv.isClosed())
            {
                mv.close();
            }
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }
}
