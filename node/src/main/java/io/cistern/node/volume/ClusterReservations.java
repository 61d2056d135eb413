package io.cistern.node.volume;

import io.cistern.actors.reservation.PrOut;
import io.cistern.actors.reservation.Registration;
import io.cistern.actors.reservation.ReservationService;
import io.cistern.actors.reservation.ReservationState;
import io.cistern.actors.reservation.ReservationView;
import io.cistern.actors.reservation.Reservations;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The node's table of every volume's persistent reservations, fed by its {@link ReservationView} (so it
 * learns a change when this node's copy of the journal applies it), and the way to change them through
 * the volume's {@link Reservations} entity. A change is acknowledged once every node's view has applied it;
 * a PREEMPT AND ABORT's victims' running commands on this node have finished by then ({@link Fence}).
 */
public final class ClusterReservations implements VolumeReservations, ReservationView.Listener
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReservations.class);

    /** Ends the running commands of the sessions a PREEMPT AND ABORT removed, on this node. */
    public interface Fence
    {
        CompletionStage<Done> fence(long volumeId, List<Registration> removed);
    }

    /** Queues unit attentions on this node's sessions: of the volume, and (nexuses non-null) only those the registrations cover. */
    public interface Attention
    {
        void unitAttention(long volumeId, List<Registration> nexuses, int ascq);
    }

    /** REGISTRATIONS PREEMPTED (SPC-4 5.12.11.2): what a preempted or cleared registrant's next command reports. */
    private static final int REGISTRATIONS_PREEMPTED = 0x2a05;

    private final ConcurrentHashMap<Long, ReservationState> states = new ConcurrentHashMap<>();
    private final ReservationService service;
    private final Duration timeout;
    private volatile Fence fence = (volumeId, removed) -> CompletableFuture.completedFuture(Done.getInstance());
    private volatile Attention attention = (volumeId, nexuses, ascq) -> { };

    public ClusterReservations(final ReservationService service, final Duration timeout)
    {
        this.service = service;
        this.timeout = timeout;
    }

    public void fenceWith(final Fence fence, final Attention attention)
    {
        this.fence = fence;
        this.attention = attention;
    }

    @Override
    public void unitAttention(final long volumeId, final int ascq)
    {
        attention.unitAttention(volumeId, null, ascq);
    }

    @Override
    public void announce(final long volumeId, final int ascq)
    {
        try
        {
            service.unitAttentionEverywhere(volumeId, ascq).toCompletableFuture().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            LOG.warn("A unit attention for volume {} could not be told to every node in time: {}", Long.toHexString(volumeId),
                ex.toString());
        }
    }

    @Override
    public ReservationState current(final long volumeId)
    {
        return states.getOrDefault(volumeId, ReservationState.EMPTY);
    }

    /** Takes {@code state} unless this node has a later version already; returns what it has now. */
    private ReservationState keepNewer(final long volumeId, final ReservationState state)
    {
        return states.merge(volumeId, state, (old, next) -> next.version() >= old.version() ? next : old);
    }

    @Override
    public boolean refresh(final long volumeId)
    {
        try
        {
            final ReservationState state = service.current(volumeId).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            keepNewer(volumeId, state);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (final Exception ex)
        {
            LOG.warn("The persistent reservations of volume {} could not be read in time: {}", Long.toHexString(volumeId), ex.toString());
            return false;
        }
    }

    @Override
    public CompletionStage<Done> changed(final long volumeId, final ReservationState state, final List<Registration> removed,
                                         final boolean abort)
    {
        final ReservationState now = keepNewer(volumeId, state);
        if (now.version() > state.version())
        {
            // An older change reaching a view that a refresh put ahead: the sessions here met its outcome already.
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        if (!removed.isEmpty())
        {
            attention.unitAttention(volumeId, removed, REGISTRATIONS_PREEMPTED);
        }
        return abort && !removed.isEmpty() ? fence.fence(volumeId, removed) : CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public Reservations.OutReply apply(final long volumeId, final PrOut request)
    {
        try
        {
            final Reservations.OutReply reply = service.out(volumeId, request).toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.state().version() > 0)
            {
                final int nodes = service.enforcedEverywhere(volumeId, reply.state().version()).toCompletableFuture()
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
                LOG.debug("Reservations of volume {} at version {} enforced on {} node(s)", Long.toHexString(volumeId),
                    reply.state().version(), nodes);
            }
            return reply;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final Exception ex)
        {
            LOG.warn("A persistent reservation change of volume {} could not be completed in time: {}",
                Long.toHexString(volumeId), ex.toString());
            return null;
        }
    }
}
