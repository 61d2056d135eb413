package io.cistern.journal.store;

import io.cistern.journal.log.JournalCodec;
import io.cistern.journal.log.JournalCommand;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A node's copy of the journal: what the replicated log's committed entries say, applied in log order.
 * Every node applies the same entries in the same order, so every node's store holds the same events
 * with the same orderings. Pure bookkeeping: no Raft and no Pekko here, so it is tested directly.
 * <p>
 * One writer (the log's apply thread) and many readers (journal replays, queries). Readers that follow
 * the journal live wait on {@link #changed()}, which completes at the next apply: events reach them when
 * they commit, not on a poll.
 */
public final class EventStore
{
    /** Format of {@link #writeTo}; append-only like the log's entries. */
    private static final int SNAPSHOT_FORMAT = 1;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<Long, StoredEvent> byOrdering = new TreeMap<>();
    private final Map<String, NavigableMap<Long, StoredEvent>> byEntity = new HashMap<>();
    /** Highest sequence number ever written per entity: it survives deletes, as Pekko requires. */
    private final Map<String, Long> highest = new HashMap<>();
    private final Map<String, TreeSet<Long>> byTag = new HashMap<>();
    private final Map<String, NavigableMap<Long, StoredSnapshot>> snapshots = new HashMap<>();
    private long lastOrdering;
    /** Serialized bytes of the events held (payloads only): what the journal holds, not what the heap costs. */
    private long payloadBytes;
    private volatile CompletableFuture<Void> changed = new CompletableFuture<>();

    /** Applies one committed command; for a write, per atomic write empty or why it was rejected. */
    public List<Optional<String>> apply(final JournalCommand command)
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
                if (command instanceof JournalCommand.DeleteTo delete)
                {
                    deleteTo(delete.persistenceId(), delete.toSequenceNr());
                }
                else if (command instanceof JournalCommand.SaveSnapshot save)
                {
                    final StoredSnapshot s = save.snapshot();
                    snapshots.computeIfAbsent(s.persistenceId(), id -> new TreeMap<>()).put(s.sequenceNr(), s);
                }
                else if (command instanceof JournalCommand.DeleteSnapshot delete)
                {
                    final NavigableMap<Long, StoredSnapshot> of = snapshots.get(delete.persistenceId());
                    final StoredSnapshot s = of == null ? null : of.get(delete.sequenceNr());
                    if (s != null && (delete.timestamp() == 0 || delete.timestamp() == s.timestamp()))
                    {
                        of.remove(delete.sequenceNr());
                    }
                }
                else if (command instanceof JournalCommand.DeleteSnapshots delete)
                {
                    final NavigableMap<Long, StoredSnapshot> of = snapshots.get(delete.persistenceId());
                    if (of != null)
                    {
                        of.values().removeIf(delete.range()::contains);
                    }
                }
            }
        }
        finally
        {
            lock.writeLock().unlock();
        }
        final CompletableFuture<Void> applied = changed;
        changed = new CompletableFuture<>();
        applied.complete(null);
        return outcomes;
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
        final NavigableMap<Long, StoredEvent> entity = byEntity.computeIfAbsent(atomic.persistenceId(), id -> new TreeMap<>());
        for (final StoredEvent event : atomic.events())
        {
            final StoredEvent stored = event.withOrdering(++lastOrdering);
            payloadBytes += stored.payload().length;
            byOrdering.put(stored.ordering(), stored);
            entity.put(stored.sequenceNr(), stored);
            for (final String tag : stored.tags())
            {
                byTag.computeIfAbsent(tag, t -> new TreeSet<>()).add(stored.ordering());
            }
        }
        highest.put(atomic.persistenceId(), expected - 1);
        return Optional.empty();
    }

    private void deleteTo(final String persistenceId, final long toSequenceNr)
    {
        final NavigableMap<Long, StoredEvent> entity = byEntity.get(persistenceId);
        if (entity == null)
        {
            return;
        }
        final NavigableMap<Long, StoredEvent> gone = entity.headMap(toSequenceNr, true);
        for (final StoredEvent event : gone.values())
        {
            payloadBytes -= event.payload().length;
            byOrdering.remove(event.ordering());
            for (final String tag : event.tags())
            {
                final TreeSet<Long> tagged = byTag.get(tag);
                if (tagged != null)
                {
                    tagged.remove(event.ordering());
                }
            }
        }
        gone.clear();
    }

    /** Completes at the next apply. */
    public CompletableFuture<Void> changed()
    {
        return changed;
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
        lock.readLock().lock();
        try
        {
            final NavigableMap<Long, StoredEvent> entity = byEntity.get(persistenceId);
            if (entity == null || from > to)
            {
                return List.of();
            }
            final List<StoredEvent> found = new ArrayList<>();
            for (final StoredEvent event : entity.subMap(from, true, to, true).values())
            {
                if (found.size() >= max)
                {
                    break;
                }
                found.add(event);
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
            final TreeSet<Long> tagged = byTag.get(tag);
            if (tagged == null)
            {
                return List.of();
            }
            final List<StoredEvent> found = new ArrayList<>();
            for (final Long ordering : tagged.tailSet(afterOrdering, false))
            {
                if (found.size() >= max)
                {
                    break;
                }
                found.add(byOrdering.get(ordering));
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
            return new ArrayList<>(highest.keySet());
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
            final NavigableMap<Long, StoredSnapshot> of = snapshots.get(persistenceId);
            if (of == null)
            {
                return Optional.empty();
            }
            for (final StoredSnapshot s : of.descendingMap().values())
            {
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
            return byOrdering.size();
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

    /** The whole store, for a snapshot of the replicated log's state. */
    public void writeTo(final DataOutput out) throws IOException
    {
        lock.readLock().lock();
        try
        {
            out.writeInt(SNAPSHOT_FORMAT);
            out.writeLong(lastOrdering);
            out.writeInt(highest.size());
            for (final Map.Entry<String, Long> entry : highest.entrySet())
            {
                JournalCodec.writeString(out, entry.getKey());
                out.writeLong(entry.getValue());
            }
            out.writeInt(byOrdering.size());
            for (final StoredEvent event : byOrdering.values())
            {
                JournalCodec.writeEvent(out, event);
            }
            int count = 0;
            for (final NavigableMap<Long, StoredSnapshot> of : snapshots.values())
            {
                count += of.size();
            }
            out.writeInt(count);
            for (final NavigableMap<Long, StoredSnapshot> of : snapshots.values())
            {
                for (final StoredSnapshot s : of.values())
                {
                    JournalCodec.writeSnapshot(out, s);
                }
            }
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /** Replaces the store's contents with what {@link #writeTo} wrote. */
    public void readFrom(final DataInput in) throws IOException
    {
        lock.writeLock().lock();
        try
        {
            final int format = in.readInt();
            if (format != SNAPSHOT_FORMAT)
            {
                throw new IOException("journal snapshot of unknown format " + format);
            }
            byOrdering.clear();
            byEntity.clear();
            highest.clear();
            byTag.clear();
            snapshots.clear();
            payloadBytes = 0;
            lastOrdering = in.readLong();
            final int entities = in.readInt();
            for (int i = 0; i < entities; i++)
            {
                highest.put(JournalCodec.readString(in), in.readLong());
            }
            final int events = in.readInt();
            for (int i = 0; i < events; i++)
            {
                final StoredEvent event = JournalCodec.readEvent(in);
                payloadBytes += event.payload().length;
                byOrdering.put(event.ordering(), event);
                byEntity.computeIfAbsent(event.persistenceId(), id -> new TreeMap<>()).put(event.sequenceNr(), event);
                for (final String tag : event.tags())
                {
                    byTag.computeIfAbsent(tag, t -> new TreeSet<>()).add(event.ordering());
                }
            }
            final int snapshotCount = in.readInt();
            for (int i = 0; i < snapshotCount; i++)
            {
                final StoredSnapshot s = JournalCodec.readSnapshot(in);
                snapshots.computeIfAbsent(s.persistenceId(), id -> new TreeMap<>()).put(s.sequenceNr(), s);
            }
        }
        finally
        {
            lock.writeLock().unlock();
        }
        final CompletableFuture<Void> applied = changed;
        changed = new CompletableFuture<>();
        applied.complete(null);
    }
}
