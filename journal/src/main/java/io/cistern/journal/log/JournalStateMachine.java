package io.cistern.journal.log;

import io.cistern.journal.store.EventStore;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Applies the replicated log's committed entries to this node's {@link EventStore}, and keeps Ratis
 * snapshots of the store so that a restart (or a follower far behind) does not replay the whole log.
 * <p>
 * The store keeps itself on disk and remembers the entry it applied last, so a restart replays only the
 * log after its last commit. A snapshot forces the store to the disk at its index and writes the whole
 * store to one file named by the term and index it reflects (what a member far behind installs from the
 * leader); Ratis then purges the log up to it. Queries are used only as a read barrier: the leader answers a linearizable read with
 * the index it has applied, and a member waits until it has applied that far ({@link #applied}) before
 * the caller reads the store directly.
 */
final class JournalStateMachine extends BaseStateMachine
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final EventStore store;
    /** Completes when the applied index next moves (an event, a configuration entry, a snapshot loaded). */
    private volatile CompletableFuture<Void> advanced = new CompletableFuture<>();

    /** Told of every configuration of the journal's members this member applies. */
    private final java.util.function.Consumer<Members> members;

    JournalStateMachine(final EventStore store, final java.util.function.Consumer<Members> members)
    {
        this.store = store;
        this.members = members;
    }

    @Override
    public void notifyConfigurationChanged(final long term, final long index,
                                           final org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf)
    {
        final Members now = Reconfiguration.of(conf);
        LOG.info("The journal's members are now {} (log index {})", now, index);
        members.accept(now);
    }

    @Override
    public void initialize(final RaftServer server, final RaftGroupId groupId, final RaftStorage raftStorage) throws IOException
    {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        reinitialize();
    }

    @Override
    public void reinitialize() throws IOException
    {
        final SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        final long snapshotIndex = snapshot == null ? RaftLog.INVALID_LOG_INDEX : snapshot.getIndex();
        if (store.appliedIndex() >= 0 && store.appliedIndex() >= snapshotIndex)
        {
            // The store on disk is at or past the latest snapshot (it is committed before every snapshot):
            // the log replays only what came after its last commit.
            final TermIndex applied = TermIndex.valueOf(store.appliedTerm(), store.appliedIndex());
            setLastAppliedTermIndex(applied);
            LOG.info("Opened the journal's store at {} ({} events; latest snapshot at {})", applied, store.eventCount(),
                snapshotIndex);
            return;
        }
        // No store yet (a member from before the store was kept on disk), or one behind the snapshot (a
        // snapshot installed from the leader, a store lost): the snapshot file is the state.
        load(snapshot);
    }

    @Override
    public StateMachineStorage getStateMachineStorage()
    {
        return storage;
    }

    private void load(final SingleFileSnapshotInfo snapshot) throws IOException
    {
        if (snapshot == null)
        {
            return;
        }
        final File file = snapshot.getFile().getPath().toFile();
        if (snapshot.getFile().getFileDigest() != null)
        {
            MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        }
        final long started = System.nanoTime();
        final TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file.toPath()), 1 << 16)))
        {
            store.readFrom(in, last.getTerm(), last.getIndex());
        }
        setLastAppliedTermIndex(last);
        LOG.info("Loaded the journal snapshot at {} ({} events, {} bytes) in {} ms", last, store.eventCount(),
            file.length(), (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public long takeSnapshot() throws IOException
    {
        final TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() == RaftLog.INVALID_LOG_INDEX)
        {
            return RaftLog.INVALID_LOG_INDEX;
        }
        // The store is forced to the disk at the snapshot's index first: Ratis purges the log up to it, and a
        // restart must find the store at least that far.
        store.markApplied(last.getTerm(), last.getIndex());
        store.commit();
        final File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        final File partial = new File(file.getPath() + ".partial");
        // The file is what a member far behind (or a new listener) installs from the leader. Ratis calls this
        // on the apply thread, so the store cannot change while it is written.
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial.toPath()), 1 << 16)))
        {
            store.writeTo(out);
        }
        Files.move(partial.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        final var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("Took a journal snapshot at {} ({} events, {} bytes)", last, store.eventCount(), file.length());
        return last.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(final TransactionContext trx)
    {
        final LogEntryProto entry = trx.getLogEntry();
        byte[] answer;
        if (entry.getIndex() <= store.appliedIndex())
        {
            // Replayed after a restart, but the store on disk has it already: nobody waits for its outcome.
            answer = JournalCodec.encodeOutcomes(List.of());
        }
        else
        {
            final byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
            try
            {
                answer = JournalCodec.encodeOutcomes(store.apply(JournalCodec.decode(data), entry.getTerm(), entry.getIndex()));
            }
            catch (final IllegalArgumentException e)
            {
                // An entry this version cannot read: every node skips it the same way, and the writer hears why.
                LOG.error("Skipping journal entry {}: {}", entry.getIndex(), e.getMessage());
                store.markApplied(entry.getTerm(), entry.getIndex());
                answer = JournalCodec.encodeOutcomes(List.of(Optional.of("unreadable entry: " + e.getMessage())));
            }
            store.commitIfDue();
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(
            org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(answer)));
    }

    @Override
    public void notifyLeaderChanged(final org.apache.ratis.protocol.RaftGroupMemberId member,
                                    final org.apache.ratis.protocol.RaftPeerId newLeader)
    {
        LOG.info("The journal's leader is now {}", newLeader);
    }

    /**
     * Answers a read barrier with the index this member has applied. Ratis calls it on the leader once a
     * linearizable read may be served, so every entry committed before the barrier is at or below it.
     */
    @Override
    public CompletableFuture<Message> query(final Message request)
    {
        final TermIndex applied = getLastAppliedTermIndex();
        return CompletableFuture.completedFuture(Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString
            .copyFrom(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(applied == null ? -1 : applied.getIndex()).flip())));
    }

    /**
     * Never moves the applied index back. Ratis replays the log from its latest snapshot, but the store on
     * disk may be past it (it commits as it goes, and a graceful close commits all): the entries in
     * between are already in the store, and moving the index back to them fails Ratis's own check and
     * closes this member for good (seen: a member with no snapshot yet, restarted with its store at
     * index 1636, died on the log's first entry and never applied again).
     */
    @Override
    protected boolean updateLastAppliedTermIndex(final long term, final long index)
    {
        final TermIndex now = getLastAppliedTermIndex();
        if (now != null && index <= now.getIndex())
        {
            return false;
        }
        final boolean updated = super.updateLastAppliedTermIndex(term, index);
        signalAdvance();
        return updated;
    }

    @Override
    protected void setLastAppliedTermIndex(final TermIndex termIndex)
    {
        super.setLastAppliedTermIndex(termIndex);
        signalAdvance();
    }

    private void signalAdvance()
    {
        final CompletableFuture<Void> moved = advanced;
        if (moved != null) // null while the base class's constructor sets the initial index
        {
            advanced = new CompletableFuture<>();
            moved.complete(null);
        }
    }

    /** Completes once this member has applied the entry at {@code index}. */
    CompletableFuture<Void> applied(final long index)
    {
        final CompletableFuture<Void> moved = advanced; // before the check, so a move in between still wakes us
        final TermIndex now = getLastAppliedTermIndex();
        if (now != null && now.getIndex() >= index)
        {
            return CompletableFuture.completedFuture(null);
        }
        return moved.thenCompose(v -> applied(index));
    }
}
