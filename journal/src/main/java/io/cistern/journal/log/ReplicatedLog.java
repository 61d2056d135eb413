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
    private final java.nio.file.Path membersFile;
    private final JournalStateMachine stateMachine;
    private final ReadBarriers barriers;

    private ReplicatedLog(final LogSettings settings, final RaftProperties properties, final List<LogSettings.Peer> servers,
                          final boolean voter) throws IOException
    {
        this.settings = settings;
        this.selfId = RaftPeerId.valueOf(settings.self());
        final List<RaftPeer> peers = new ArrayList<>();
        for (final LogSettings.Peer server : servers)
        {
            peers.add(RaftPeer.newBuilder().setId(server.name()).setAddress(server.address()).build());
        }
        final RaftGroupId groupId = groupId(settings);
        // Clients talk to the voters only: one of them leads.
        this.voters = RaftGroup.valueOf(groupId, List.copyOf(peers));
        if (!voter)
        {
            // A node that is not a voter starts as a listener (it never stands for election) and asks the
            // leader to add it to the configuration as one.
            peers.removeIf(p -> p.getId().equals(selfId));
            peers.add(self(RaftPeerRole.LISTENER));
        }
        this.group = RaftGroup.valueOf(groupId, peers);
        this.properties = properties;
        this.membersFile = settings.dir().resolve("members");
        Files.createDirectories(settings.dir());
        final boolean formatted = Files.isDirectory(settings.dir().resolve(groupId.getUuid().toString()));
        // The store applies the log this member keeps: without the log (a new member, a wiped one) a store
        // left behind would claim entries the new log does not have.
        final java.nio.file.Path storeFile = storeFile(settings);
        if (!formatted)
        {
            Files.deleteIfExists(storeFile);
        }
        this.store = EventStore.open(storeFile);
        this.stateMachine = new JournalStateMachine(store, this::remember);
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

    /**
     * Starts this node's Raft server. The journal's own configuration decides whether this node votes,
     * as the other members have it now (asked first: a node may have been promoted, or let go, while it
     * was down); {@code cistern.journal.voters} decides only for a journal that is new. A node the
     * journal let go starts over as a new listener with an empty copy, which the leader fills.
     */
    public static ReplicatedLog start(final LogSettings settings) throws IOException
    {
        final RaftProperties properties = properties(settings);
        final RaftGroupId groupId = groupId(settings);
        final List<LogSettings.Peer> known = known(settings);
        final Optional<Reconfiguration.Answer> answer = known.isEmpty() ? Optional.empty() : Reconfiguration.lookUp(properties,
            RaftGroup.valueOf(groupId, Reconfiguration.raftPeers(known, RaftPeerRole.FOLLOWER)),
            known.stream().map(LogSettings.Peer::name).toList());
        boolean voter = settings.voter();
        List<LogSettings.Peer> servers = settings.voters();
        if (answer.isPresent())
        {
            final Members members = answer.get().members();
            voter = members.votes(settings.self());
            servers = members.voters();
            final java.nio.file.Path groupDir = settings.dir().resolve(groupId.getUuid().toString());
            if (!members.contains(settings.self()) && Files.isDirectory(groupDir))
            {
                LOG.warn("The journal let this node go while it was away ({}, as {} has it); it joins again as a listener "
                    + "and is sent a new copy", members, answer.get().from());
                delete(groupDir);
                Files.deleteIfExists(storeFile(settings));
            }
        }
        final ReplicatedLog log = new ReplicatedLog(settings, properties, servers, voter);
        log.server.start();
        log.members().ifPresent(log::remember);
        LOG.info("Journal member {} started at {} ({}), voters {}", settings.self(), settings.address(),
            voter ? "voter" : "listener", servers.stream().map(LogSettings.Peer::name).toList());
        if (!voter)
        {
            // Also when the others did not answer: a member already in the configuration changes nothing.
            ListenerJoin.start(log.properties, RaftGroup.valueOf(groupId, Reconfiguration.raftPeers(known, RaftPeerRole.FOLLOWER)),
                new LogSettings.Peer(settings.self(), settings.address()), () -> log.closed);
        }
        return log;
    }

    private static RaftGroupId groupId(final LogSettings settings)
    {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("cistern-journal:" + settings.cluster()).getBytes(StandardCharsets.UTF_8)));
    }

    private static java.nio.file.Path storeFile(final LogSettings settings)
    {
        return settings.dir().resolve("store").resolve(groupId(settings).getUuid() + ".mv.db");
    }

    /** The members this node may ask: the configured voters and whoever the journal last had, but itself. */
    private static List<LogSettings.Peer> known(final LogSettings settings) throws IOException
    {
        final java.util.Map<String, LogSettings.Peer> known = new java.util.LinkedHashMap<>();
        settings.voters().forEach(p -> known.put(p.name(), p));
        final java.nio.file.Path file = settings.dir().resolve("members");
        if (Files.exists(file))
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                final String[] fields = line.trim().split(" ");
                if (fields.length == 3)
                {
                    known.putIfAbsent(fields[1], new LogSettings.Peer(fields[1], fields[2]));
                }
            }
        }
        known.remove(settings.self());
        return List.copyOf(known.values());
    }

    /** Keeps the journal's latest configuration beside the log: whom to ask at the next start. */
    private void remember(final Members members)
    {
        final StringBuilder text = new StringBuilder();
        members.voters().forEach(p -> text.append("voter ").append(p.name()).append(' ').append(p.address()).append('\n'));
        members.listeners().forEach(p -> text.append("listener ").append(p.name()).append(' ').append(p.address()).append('\n'));
        try
        {
            final java.nio.file.Path temp = membersFile.resolveSibling("members.tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, membersFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException e)
        {
            LOG.warn("Could not keep the journal's members in {}: {}", membersFile, e.toString());
        }
    }

    private static void delete(final java.nio.file.Path dir) throws IOException
    {
        try (java.util.stream.Stream<java.nio.file.Path> paths = Files.walk(dir))
        {
            for (final java.nio.file.Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
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
     * @param role    "voter" or "listener", as the journal's configuration has this node now.
     * @param leader  the member leading now as this node knows it; empty during an election.
     * @param applied the last log index this node's copy has applied.
     * @param eventBytes serialized bytes of the events held.
     */
    public record Status(String self, String role, String leader, List<String> voters, List<String> listeners, long applied,
                         long events, long eventBytes)
    {
    }

    public Status status()
    {
        long applied = -1;
        Members members = new Members(settings.voters(), List.of());
        try
        {
            final var division = server.getDivision(group.getGroupId());
            applied = division.getInfo().getLastAppliedIndex();
            members = Reconfiguration.of(division.getRaftConf());
        }
        catch (final IOException e)
        {
            LOG.debug("No journal division yet", e);
        }
        return new Status(settings.self(), members.votes(settings.self()) ? "voter" : "listener", leader().orElse(""),
            members.voterNames(), members.listenerNames(), applied, store.eventCount(), store.payloadBytes());
    }

    /** The journal's members as this node has them, if no change of them is under way; empty otherwise. */
    public Optional<Members> members()
    {
        try
        {
            final org.apache.ratis.server.RaftConfiguration conf = server.getDivision(group.getGroupId()).getRaftConf();
            return conf.getPreviousPeers().isEmpty() ? Optional.of(Reconfiguration.of(conf)) : Optional.empty();
        }
        catch (final IOException e)
        {
            return Optional.empty();
        }
    }

    /** Whether this node's member leads the journal now. */
    public boolean leads()
    {
        try
        {
            return server.getDivision(group.getGroupId()).getInfo().isLeader();
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /**
     * Changes the journal's members from {@code from} to {@code to} through this node's member, which must
     * lead, if they are still {@code from}; completes with whether the change was made. Blocks its caller
     * until the new configuration commits (the new voters caught up), so it runs on a thread of its own.
     */
    public CompletableFuture<Boolean> reconfigure(final Members from, final Members to)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                final org.apache.ratis.protocol.RaftClientReply reply =
                    Reconfiguration.compareAndSet(properties, group, settings.self(), from, to);
                if (!reply.isSuccess())
                {
                    LOG.info("The journal's members did not change to {}: {}", to, reply.getException());
                }
                return reply.isSuccess();
            }
            catch (final IOException e)
            {
                LOG.info("The journal's members did not change to {}: {}", to, e.toString());
                return false;
            }
        }, command -> new Thread(command, "journal-reconfigure").start());
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
