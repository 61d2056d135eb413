package io.cistern.node.volume;

import io.cistern.actors.reservation.PrOut;
import io.cistern.actors.reservation.ReservationState;
import io.cistern.actors.reservation.Reservations;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;

/** Persistent reservations kept in this process only, by the same rules: for front-end tests without a cluster. */
public final class LocalReservations implements VolumeReservations
{
    private final ConcurrentHashMap<Long, ReservationState> states = new ConcurrentHashMap<>();

    @Override
    public ReservationState current(final long volumeId)
    {
        return states.getOrDefault(volumeId, ReservationState.EMPTY);
    }

    /** One process, one table: always current. */
    @Override
    public boolean refresh(final long volumeId)
    {
        return true;
    }

    /** One node, no other sessions to tell: the issuing session queues its own (TaskManagement does). */
    @Override
    public void announce(final long volumeId, final int ascq)
    {
    }

    @Override
    public synchronized Reservations.OutReply apply(final long volumeId, final PrOut request)
    {
        final ReservationState.Decision decision = current(volumeId).out(request);
        states.put(volumeId, decision.next());
        return new Reservations.OutReply(decision.outcome(), decision.next(), new ArrayList<>(decision.removed()));
    }
}
