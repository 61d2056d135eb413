package io.cistern.node.volume;

import io.cistern.actors.reservation.PrOut;
import io.cistern.actors.reservation.ReservationState;
import io.cistern.actors.reservation.Reservations;

/**
 * The persistent reservations of the pool's volumes as a front end sees them: the state this node enforces
 * (read without blocking, on every command) and the one way to change it.
 */
public interface VolumeReservations
{
    /** The reservations of volume {@code volumeId} as this node enforces them now. */
    ReservationState current(long volumeId);

    /**
     * Brings what this node enforces for the volume up to the volume's reservations entity, before a new
     * session is checked against it; false if the cluster could not be asked in time. A node that has just
     * (re)started follows the journal from its beginning and may not have applied the latest changes yet:
     * a preempted initiator logging in to it must meet the reservations as they are, not as they were.
     */
    boolean refresh(long volumeId);

    /**
     * Applies a PERSISTENT RESERVE OUT to the volume's reservations and returns once every node enforces
     * the outcome; null if the cluster could not be asked in time (nothing may have changed, or it did).
     */
    Reservations.OutReply apply(long volumeId, PrOut request);

    /**
     * Has every session of the volume, through every node, report unit attention {@code ascq} (SBC/SAM's
     * ASC and ASCQ) on its next command: what a logical unit reset does. Returns once every node has queued it.
     */
    void announce(long volumeId, int ascq);
}
