package io.cistern.node.frontend;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a client that connects and never speaks cannot do to a front end's server, whatever its protocol:
 * hold a connection in its opening phase (NBD's handshake, iSCSI's login) past a deadline; keep more than
 * a number of connections in that phase (a new one closes the oldest, so a client that does speak always
 * gets its turn); or raise the node past a number of open connections (one more is closed at once). Each
 * is counted, and logged at most once per episode.
 */
public final class ConnectionGate implements AutoCloseable
{
    /** A connection as the gate sees it. */
    public interface Guest
    {
        String client();

        /** Whether the server, not the client, is what the opening phase waits for now (a volume being opened). */
        boolean serverBusy();

        /** Closes the connection from another thread. */
        void abort(String reason);
    }

    /** The counters a gate feeds. */
    public record Counters(LongAdder refusedConnections, LongAdder evictedOpenings, LongAdder openingTimeouts)
    {
    }

    private final String protocol;
    private final String phase;
    private final String settings;
    private final int maxConnections;
    private final int maxOpenings;
    private final Duration timeout;
    private final Counters counters;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections still in the opening phase, oldest first; guarded by itself. */
    private final LinkedHashSet<Guest> opening = new LinkedHashSet<>();
    private final ScheduledExecutorService deadlines;
    private final ThrottledLog refusals;
    private final ThrottledLog evictions;
    private final ThrottledLog timeouts;

    /**
     * @param protocol   "NBD", "iSCSI": how log lines name the server.
     * @param phase      "handshake", "login": how they name the opening phase.
     * @param settings   the settings' prefix ("cistern.nbd"), named in log lines.
     */
    public ConnectionGate(final String protocol, final String phase, final String settings, final int maxConnections,
                          final int maxOpenings, final Duration timeout, final Counters counters, final Logger log)
    {
        this.protocol = protocol;
        this.phase = phase;
        this.settings = settings;
        this.maxConnections = maxConnections;
        this.maxOpenings = maxOpenings;
        this.timeout = timeout;
        this.counters = counters;
        this.refusals = new ThrottledLog(log);
        this.evictions = new ThrottledLog(log);
        this.timeouts = new ThrottledLog(log);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, protocol.toLowerCase() + "-" + phase + "-deadlines");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** False (counted and logged) if the node already has the most connections it serves; the caller closes it. */
    public boolean mayOpen(final Object remote, final String maxConnectionsKey)
    {
        if (open.get() >= maxConnections)
        {
            counters.refusedConnections.increment();
            refusals.warn("{} connection from {} refused: {} connections are open, the most {}.{} allows",
                protocol, remote, maxConnections, settings, maxConnectionsKey);
            return false;
        }
        return true;
    }

    /** A new connection: counted as open and in its opening phase, making room there if need be; its deadline starts. */
    public void opened(final Guest guest, final String maxOpeningsKey, final String timeoutKey)
    {
        open.incrementAndGet();
        Guest oldest = null;
        synchronized (opening)
        {
            if (opening.size() >= maxOpenings)
            {
                oldest = opening.iterator().next();
                opening.remove(oldest);
            }
            opening.add(guest);
        }
        if (oldest != null)
        {
            counters.evictedOpenings.increment();
            evictions.warn("{} connection {} closed before finishing its {}: {} connections were in the {}, " +
                "the most {}.{} allows, and a new one came", protocol, oldest.client(), phase, maxOpenings, phase, settings, maxOpeningsKey);
            oldest.abort("made room for a newer connection");
        }
        deadlines.schedule(() -> expire(guest, timeoutKey), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void expire(final Guest guest, final String timeoutKey)
    {
        if (guest.serverBusy())
        {
            // The client is waiting for us (a volume's control plane is slow to answer): not its fault.
            deadlines.schedule(() -> expire(guest, timeoutKey), timeout.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        final boolean late;
        synchronized (opening)
        {
            late = opening.remove(guest);
        }
        if (late)
        {
            counters.openingTimeouts.increment();
            timeouts.warn("{} connection {} closed: its {} was not finished within {}.{} ({})",
                protocol, guest.client(), phase, settings, timeoutKey, timeout);
            guest.abort(phase + " not finished in time");
        }
    }

    /** The connection's opening phase is over (it got through, or it ended). */
    public void openingEnded(final Guest guest)
    {
        synchronized (opening)
        {
            opening.remove(guest);
        }
    }

    /** The connection is closed. */
    public void closed(final Guest guest)
    {
        openingEnded(guest);
        open.decrementAndGet();
    }

    /** Connections open now. */
    public int openConnections()
    {
        return open.get();
    }

    @Override
    public void close()
    {
        deadlines.shutdownNow();
    }
}
