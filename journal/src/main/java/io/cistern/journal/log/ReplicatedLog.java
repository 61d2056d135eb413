package io.cistern.journal.log;

import io.cistern.journal.store.EventStore;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * This node's member of the replicated journal: an Apache Ratis server holding the Raft log on the
 * node's own disk, the state machine that applies it to the node's {@link EventStore}, and a client
 * that sends commands to whichever member leads.
 * <p>
 * A command is acknowledged once a majority of the voters has it in their logs and the leader applied
 * it, so it survives the loss of any minority of voters. Reads go to the local store after
 * {@link #caughtUp()}: a linearizable read-only request to this node's own server, which returns once
 * the local store has applied everything committed before it was asked.
 */
public final class ReplicatedLog implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedLog.class);

    private final LogSettings settings;
    private final EventStore store;
    private final RaftGroup group;
    private final RaftGroup voters;
    private final RaftProperties properties;
    private final RaftPeerId selfId;
    private final RaftServer server;
    /** Writes, in order, to whichever member leads. */
    private final RaftClient client;
    /**
     * Read barriers. A client of its own: Ratis orders one client's requests in a window, and a barrier
     * retried through an election must not hold up the writes.
     */
    private final RaftClient reader;
    private volatile boolean closed;
    private final JournalStateMachine stateMachine;
    private final ReadBarriers barriers;

    private ReplicatedLog(final LogSettings settings) throws IOException
    {
        this.settings = settings;
        this.selfId = RaftPeerId.valueOf(settings.self());
        final List<RaftPeer> peers = new ArrayList<>();
        for (final LogSettings.Peer voter : settings.voters())
        {
            peers.add(RaftPeer.newBuilder().setId(voter.name()).setAddress(voter.address()).build());
        }
        final RaftGroupId groupId = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes(("cistern-journal:" + settings.cluster()).getBytes(StandardCharsets.UTF_8)));
        // Clients talk to the voters only: one of them leads.
        this.voters = RaftGroup.valueOf(groupId, List.copyOf(peers));
        if (!settings.voter())
        {
            // A node that is not a voter starts as a listener (it never stands for election) and asks the
            // leader to add it to the configuration as one.
            peers.add(self(RaftPeerRole.LISTENER));
        }
        this.group = RaftGroup.valueOf(groupId, peers);
        this.properties = properties(settings);
        Files.createDirectories(settings.dir());
        final boolean formatted = Files.isDirectory(settings.dir().resolve(groupId.getUuid().toString()));
        // The store applies the log this member keeps: without the log (a new member, a wiped one) a store
        // left behind would claim entries the new log does not have.
        final java.nio.file.Path storeFile = settings.dir().resolve("store").resolve(groupId.getUuid() + ".mv.db");
        if (!formatted)
        {
            Files.deleteIfExists(storeFile);
        }
        this.store = EventStore.open(storeFile);
        this.stateMachine = new JournalStateMachine(store);
        this.server = RaftServer.newBuilder()
            .setServerId(selfId)
            .setGroup(group)
            .setProperties(properties)
            .setStateMachine(stateMachine)
            .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
            .build();
        this.client = client(properties);
        this.reader = client(properties);
        this.barriers = new ReadBarriers(reader, stateMachine, () -> closed);
    }

    private RaftClient client(final RaftProperties properties)
    {
        return RaftClient.newBuilder()
            .setProperties(properties)
            .setRaftGroup(voters)
            .setClientId(ClientId.randomId())
            // Rides out an election (a second or two) and a leader that is slow to answer; what cannot
            // commit in this time (no majority of voters alive) fails, and Pekko's persistence says so.
            .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(150,
                TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
            .build();
    }

    private RaftPeer self(final RaftPeerRole role)
    {
        return RaftPeer.newBuilder().setId(selfId).setAddress(settings.address()).setStartupRole(role).build();
    }

    /** Starts this node's Raft server; a node that is not a voter asks the group to take it as a listener. */
    public static ReplicatedLog start(final LogSettings settings) throws IOException
    {
        final ReplicatedLog log = new ReplicatedLog(settings);
        log.server.start();
        LOG.info("Journal member {} started at {} ({}), voters {}", settings.self(), settings.address(),
            settings.voter() ? "voter" : "listener", settings.voters());
        if (!settings.voter())
        {
            ListenerJoin.start(log.properties, log.voters, log.self(RaftPeerRole.LISTENER), () -> log.closed);
        }
        return log;
    }

    private static RaftProperties properties(final LogSettings settings)
    {
        final RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        final int colon = settings.address().lastIndexOf(':');
        GrpcConfigKeys.Server.setHost(p, settings.address().substring(0, colon));
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(settings.address().substring(colon + 1)));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("64MB"));
        RaftServerConfigKeys.setStorageDir(p, List.of(settings.dir().toFile()));
        final long min = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, 3 * min), TimeUnit.MILLISECONDS));
        // A request to a member that died fails over to the next after this long.
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        // A leader whose followers acknowledged it within the lease answers a linearizable read at once;
        // without the lease each read waits for the next heartbeat round (half the election timeout), and
        // entity recoveries, two reads each, crawled at ~70 a second.
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        // Ratis keeps whole closed segments of the log in the heap (by default up to 6 of them, 200 MB):
        // in a placement's bulk entries that was most of what a node's heap grew by. The store on disk is
        // the state; a follower that needs older entries is sent them from the segment files.
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf("16MB"));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, settings.snapshotEvery());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        return p;
    }

    public EventStore store()
    {
        return store;
    }

    public LogSettings settings()
    {
        return settings;
    }

    /**
     * Commits a command through the leader; completes with the per-write outcomes once it is applied there,
     * or exceptionally if it could not commit.
     */
    public CompletableFuture<List<Optional<String>>> submit(final JournalCommand command)
    {
        return client.async().send(Message.valueOf(ByteString.copyFrom(JournalCodec.encode(command))))
            .thenApply(reply ->
            {
                if (!reply.isSuccess())
                {
                    throw new CompletionException(reply.getException());
                }
                return JournalCodec.decodeOutcomes(reply.getMessage().getContent().toByteArray());
            });
    }

    /**
     * Completes once this node's store has applied everything committed before the call (see
     * {@link ReadBarriers}).
     */
    public CompletableFuture<Void> caughtUp()
    {
        return barriers.caughtUp();
    }

    /**
     * What an administrator asks of a node's journal member.
     *
     * @param leader  the member leading now as this node knows it; empty during an election.
     * @param applied the last log index this node's copy has applied.
     * @param eventBytes serialized bytes of the events held.
     */
    public record Status(String self, String role, String leader, List<String> voters, long applied, long events, long eventBytes)
    {
    }

    public Status status()
    {
        long applied = -1;
        try
        {
            applied = server.getDivision(group.getGroupId()).getInfo().getLastAppliedIndex();
        }
        catch (final IOException e)
        {
            LOG.debug("No journal division yet", e);
        }
        return new Status(settings.self(), settings.voter() ? "voter" : "listener", leader().orElse(""),
            settings.voters().stream().map(LogSettings.Peer::name).toList(), applied, store.eventCount(), store.payloadBytes());
    }

    /** Which member leads now, if this node knows. */
    public Optional<String> leader()
    {
        try
        {
            final var division = server.getDivision(group.getGroupId());
            final RaftPeerId leader = division.getInfo().getLeaderId();
            return Optional.ofNullable(leader).map(RaftPeerId::toString);
        }
        catch (final IOException e)
        {
            return Optional.empty();
        }
    }

    @Override
    public void close()
    {
        closed = true;
        try
        {
            client.close();
            reader.close();
        }
        catch (final IOException e)
        {
            LOG.warn("Closing the journal client", e);
        }
        try
        {
            server.close();
        }
        catch (final IOException e)
        {
            LOG.warn("Closing the journal server", e);
        }
        store.close();
    }
}
