package io.cistern.node.frontend.iscsi;

import io.cistern.actors.reservation.Registration;
import io.cistern.config.IscsiSettings;
import io.cistern.node.frontend.Acceptor;
import io.cistern.node.frontend.ConnectionGate;
import io.cistern.node.frontend.ThrottledLog;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeReservations;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's iSCSI target (RFC 7143): every volume of the pool is a target named
 * {@code iqn.2026-11.io.cistern:<volume>} with one logical unit, LUN 0, served through this node's portal
 * as through every other node's. Each connection is served on a thread of its own, like NBD's.
 * <p>
 * What an initiator that never speaks cannot do (cistern.iscsi in reference.conf) is the
 * {@link ConnectionGate}'s. A new login for a session that exists (the same initiator, ISID and target)
 * replaces it (session reinstatement, section 6.3.5): the old connection is closed, so an initiator that
 * lost its connection and logs in again is not refused by its own ghost.
 */
public final class IscsiServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(IscsiServer.class);

    private final ServerSocketChannel server;
    private final VolumeCatalog catalog;
    private final Portal portal;
    private final Supplier<List<String>> otherPortals;
    private final IscsiCounters counters = new IscsiCounters();
    private final AtomicInteger tsih = new AtomicInteger();
    private final ConnectionGate gate;
    private final ConcurrentHashMap<String, IscsiConnection> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> atomics = new ConcurrentHashMap<>();
    private final ThrottledLog protocolErrors = new ThrottledLog(LOG);
    private final VolumeReservations reservations;
    private final io.cistern.config.IscsiSettings.Chap chap;
    private final ExecutorService fences = Executors.newCachedThreadPool(r ->
    {
        final Thread thread = new Thread(r, "iscsi-fence");
        thread.setDaemon(true);
        return thread;
    });

    private IscsiServer(final ServerSocketChannel server, final VolumeCatalog catalog,
                        final Portal portal, final Supplier<List<String>> otherPortals, final IscsiSettings settings,
                        final VolumeReservations reservations)
    {
        this.reservations = reservations;
        this.chap = settings.chap();
        this.server = server;
        this.catalog = catalog;
        this.portal = portal;
        this.otherPortals = otherPortals;
        this.gate = new ConnectionGate("iSCSI", "login", "cistern.iscsi", settings.maxConnections(), settings.maxLogins(),
            settings.loginTimeout(), new ConnectionGate.Counters(counters.refusedConnections, counters.evictedLogins,
            counters.loginTimeouts), LOG);
    }

    /**
     * @param host         address to listen on (and to tell initiators in SendTargets).
     * @param groupTag     this node's target portal group tag (1-based, distinct per node).
     * @param otherPortals the other nodes' portals ({@code host:port,tag}), for SendTargets.
     * @param reservations the volumes' persistent reservations, enforced on every command.
     * @param clientPrefix how this server's sessions are named when they attach to a volume.
     */
    public static IscsiServer start(final String host, final int groupTag, final IscsiSettings settings,
                                    final VolumeCatalog catalog, final Supplier<List<String>> otherPortals,
                                    final VolumeReservations reservations, final String clientPrefix) throws IOException
    {
        final ServerSocketChannel channel = ServerSocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(host, settings.port()));
        final int port = ((InetSocketAddress)channel.getLocalAddress()).getPort();
        final IscsiServer server = new IscsiServer(channel, catalog, new Portal(host, port, groupTag),
            otherPortals, settings, reservations);
        Acceptor.start("iscsi", channel, server.gate, new String[] {"max-connections", "max-logins", "login-timeout"},
            clientPrefix, server::connect, server.counters.connections::increment, LOG);
        LOG.info("iSCSI target listening on {}:{} (portal group {})", host, port, groupTag);
        return server;
    }

    private Acceptor.Connection connect(final SocketChannel channel, final String client)
    {
        final IscsiConnection[] self = new IscsiConnection[1];
        self[0] = new IscsiConnection(channel, this, catalog, client, portal, counters, protocolErrors, () -> gate.openingEnded(self[0]));
        return self[0];
    }

    public int port()
    {
        return portal.port();
    }

    public IscsiCounters counters()
    {
        return counters;
    }

    public int openConnections()
    {
        return gate.openConnections();
    }

    /** This node's portal first, then the others'. */
    List<Portal> portals()
    {
        final List<Portal> all = new java.util.ArrayList<>();
        all.add(portal);
        for (final String other : otherPortals.get())
        {
            final int comma = other.lastIndexOf(',');
            final int colon = other.lastIndexOf(':', comma);
            try
            {
                all.add(new Portal(other.substring(0, colon), Integer.parseInt(other.substring(colon + 1, comma)),
                    Integer.parseInt(other.substring(comma + 1))));
            }
            catch (final RuntimeException ex)
            {
                LOG.debug("Skipping a portal that does not parse: {}", other);
            }
        }
        return all;
    }

    /** The CHAP credentials every login must prove, or null. */
    io.cistern.config.IscsiSettings.Chap chap()
    {
        return chap;
    }

    VolumeReservations reservations()
    {
        return reservations;
    }

    /**
     * Fences the sessions on this node that a PREEMPT AND ABORT removed: completes once their commands
     * that were running have ended (their later ones meet RESERVATION CONFLICT).
     */
    public CompletionStage<Done> fence(final long volumeId, final List<Registration> removed)
    {
        final List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (final IscsiConnection connection : sessions.values())
        {
            waits.add(CompletableFuture.runAsync(() ->
            {
                try
                {
                    connection.fence(volumeId, removed);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, fences));
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(all -> Done.getInstance());
    }

    /** Queues unit attention {@code ascq} on this node's sessions of the volume (all, or those {@code nexuses} cover). */
    public void unitAttention(final long volumeId, final List<Registration> nexuses, final int ascq)
    {
        for (final IscsiConnection connection : sessions.values())
        {
            connection.unitAttention(volumeId, nexuses, ascq);
        }
    }

    /** A TSIH for a new session: nonzero, 16 bits (section 11.12.6). */
    int nextTsih()
    {
        final int next = tsih.incrementAndGet() & 0xffff;
        return next == 0 ? tsih.incrementAndGet() & 0xffff : next;
    }

    /** The lock COMPARE AND WRITE takes for {@code volume} on this node. */
    Object atomic(final String volume)
    {
        return atomics.computeIfAbsent(volume, v -> new Object());
    }

    /** A session reached the full feature phase: one of the same key that exists is closed (reinstatement). */
    void reinstate(final IscsiConnection connection)
    {
        final IscsiConnection old = sessions.put(connection.sessionKey(), connection);
        if (old != null && old != connection)
        {
            LOG.info("iSCSI session {} reinstated by a new login: closing its old connection {}", connection.sessionKey(), old.client());
            old.abort("reinstated by a new login");
        }
    }

    void ended(final IscsiConnection connection)
    {
        sessions.remove(connection.sessionKey(), connection);
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        gate.close();
        fences.shutdownNow();
        for (final IscsiConnection connection : sessions.values())
        {
            connection.abort("the target is stopping");
        }
    }
}
