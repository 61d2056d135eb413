package io.cistern.node.api;

import io.cistern.actors.reservation.Registration;
import io.cistern.actors.reservation.ReservationState;
import io.cistern.actors.volume.VolumeInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/volumes/NAME/attachments}: who has the volume open through which node and protocol,
 * and its persistent reservations: each registration's key, and who holds the reservation.
 *
 * @param reservation the reservation's type (SPC-4's name, in lower case), or null if none.
 */
record AttachmentsDocument(String volume, long generation, String reservation, List<Attachment> attachments,
                           List<Registered> registrations)
{
    /**
     * One client session. {@code initiator} is an iSCSI initiator port ({@code iqn...,i,0x<ISID>}), null for NBD;
     * {@code key} the registration key covering its I_T nexus (hex), null if unregistered.
     */
    record Attachment(String client, String protocol, String node, String peer, String initiator, String key, boolean holder)
    {
    }

    /** @param targetPort the node's portal group the registration is for; 0 for every one (ALL_TG_PT). */
    record Registered(String initiator, int targetPort, String key, boolean holder)
    {
    }

    static AttachmentsDocument of(final VolumeInfo info, final ReservationState state)
    {
        final List<Attachment> attachments = new ArrayList<>();
        for (final String client : info.attachments())
        {
            attachments.add(attachment(client, state));
        }
        final List<Registered> registrations = new ArrayList<>();
        for (final Registration r : state.registrations())
        {
            registrations.add(new Registered(r.nexus().initiator(), r.nexus().targetPort(), Long.toHexString(r.key()),
                state.reserved() && (state.allRegistrants() || r.nexus().covers(state.holder()))));
        }
        return new AttachmentsDocument(info.name(), state.generation(), state.reserved() ? typeName(state.type()) : null,
            attachments, registrations);
    }

    /** A client id {@code <protocol>@<node>~<incarnation>#<n>(<peer>)[<initiator port>;<portal group>]} taken apart. */
    static Attachment attachment(final String client, final ReservationState state)
    {
        final int at = client.indexOf('@');
        final int tilde = client.indexOf('~', at + 1);
        final int open = client.indexOf('(');
        final int close = client.indexOf(')', open + 1);
        final int bracket = client.indexOf('[', close + 1);
        final int semicolon = client.lastIndexOf(';');
        final String protocol = at > 0 ? client.substring(0, at) : "?";
        final String node = at > 0 && tilde > at ? client.substring(at + 1, tilde) : "?";
        final String peer = open >= 0 && close > open ? client.substring(open + 1, close) : "?";
        if (bracket < 0 || semicolon < bracket || !client.endsWith("]"))
        {
            return new Attachment(client, protocol, node, peer, null, null, false);
        }
        final String initiator = client.substring(bracket + 1, semicolon);
        int port;
        try
        {
            port = Integer.parseInt(client.substring(semicolon + 1, client.length() - 1));
        }
        catch (final NumberFormatException ex)
        {
            port = -1;
        }
        final io.cistern.actors.reservation.Nexus nexus = new io.cistern.actors.reservation.Nexus(initiator, port);
        final Registration registration = state.registrationOf(nexus);
        return new Attachment(client, protocol, node, peer, initiator,
            registration == null ? null : Long.toHexString(registration.key()), state.holds(nexus));
    }

    static String typeName(final int type)
    {
        return switch (type)
        {
            case ReservationState.WRITE_EXCLUSIVE -> "write-exclusive";
            case ReservationState.EXCLUSIVE_ACCESS -> "exclusive-access";
            case ReservationState.WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> "write-exclusive-registrants-only";
            case ReservationState.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> "exclusive-access-registrants-only";
            case ReservationState.WRITE_EXCLUSIVE_ALL_REGISTRANTS -> "write-exclusive-all-registrants";
            case ReservationState.EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> "exclusive-access-all-registrants";
            default -> "type " + type;
        };
    }
}
