package io.cistern.actors.reservation;

import io.cistern.actors.serialization.CisternSerializable;

/**
 * An I_T nexus as persistent reservations know it (SPC-4 5.12): an initiator port and a target port. An
 * iSCSI initiator port is its name with its session's ISID ({@code iqn...,i,0x<isid>}); a Cistern target
 * port is a node's portal group (its relative target port identifier), so one initiator reaching a
 * volume through two nodes is two nexuses.
 *
 * @param targetPort the relative target port identifier; 0 in a registration made with ALL_TG_PT, which
 *                   holds for the initiator port through every target port.
 */
public record Nexus(String initiator, int targetPort) implements CisternSerializable
{
    /** Whether a registration of {@code this} covers the nexus {@code other}. */
    public boolean covers(final Nexus other)
    {
        return initiator.equals(other.initiator) && (targetPort == 0 || targetPort == other.targetPort);
    }
}
