package io.cistern.actors.reservation;

import io.cistern.actors.serialization.CisternSerializable;

import java.util.ArrayList;
import java.util.List;

/**
 * A logical unit's persistent reservations (SPC-4 5.12): who is registered with which key, who holds the
 * reservation and of what type, and the generation that counts the changes of registrations. Immutable;
 * {@link #out} is the whole of SPC-4's rules for PERSISTENT RESERVE OUT as one pure function, and
 * {@link #conflicts} the table of which commands a nexus may run (5.12.1, table 5-x).
 *
 * @param version    counts every change, reservations included (the generation counts only registrations'):
 *                   a node has applied a change once its view holds this version.
 * @param generation SPC-4's PRgeneration.
 * @param holder     the holding nexus, null without a reservation; for the all-registrants types every
 *                   registrant holds it (the holder field keeps the one that reserved).
 */
public record ReservationState(long version, long generation, ArrayList<Registration> registrations, Nexus holder, int type,
                               boolean aptpl) implements CisternSerializable
{
    public static final int WRITE_EXCLUSIVE = 1;
    public static final int EXCLUSIVE_ACCESS = 3;
    public static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;
    public static final int EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 6;
    public static final int WRITE_EXCLUSIVE_ALL_REGISTRANTS = 7;
    public static final int EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 8;

    public static final ReservationState EMPTY = new ReservationState(0, 0, new ArrayList<>(), null, 0, false);

    /** How a command touches the medium, for {@link #conflicts}. */
    public enum Access
    {
        /** Never conflicts (INQUIRY, REPORT LUNS, READ CAPACITY, the reservation commands themselves). */
        NONE,
        READ,
        WRITE
    }

    /** A PERSISTENT RESERVE OUT's outcome, the state after it, and the nexuses a preempt removed. */
    public record Decision(Outcome outcome, ReservationState next, List<Registration> removed)
    {
        static Decision refuse(final Outcome outcome, final ReservationState state)
        {
            return new Decision(outcome, state, List.of());
        }
    }

    public ReservationState
    {
        registrations = new ArrayList<>(registrations);
    }

    public static boolean validType(final int type)
    {
        return type == WRITE_EXCLUSIVE || type == EXCLUSIVE_ACCESS || type == WRITE_EXCLUSIVE_REGISTRANTS_ONLY
            || type == EXCLUSIVE_ACCESS_REGISTRANTS_ONLY || type == WRITE_EXCLUSIVE_ALL_REGISTRANTS
            || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    public boolean reserved()
    {
        return holder != null;
    }

    public boolean allRegistrants()
    {
        return type == WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** The registration covering {@code nexus}, or null. */
    public Registration registrationOf(final Nexus nexus)
    {
        for (final Registration r : registrations)
        {
            if (r.nexus().covers(nexus))
            {
                return r;
            }
        }
        return null;
    }

    /** Whether {@code nexus} holds the reservation (any registrant does, for the all-registrants types). */
    public boolean holds(final Nexus nexus)
    {
        if (holder == null)
        {
            return false;
        }
        return allRegistrants() ? registrationOf(nexus) != null : holder.covers(nexus) || nexus.covers(holder);
    }

    /** Whether a command of {@code access} from {@code nexus} meets RESERVATION CONFLICT. */
    public boolean conflicts(final Nexus nexus, final Access access)
    {
        if (holder == null || access == Access.NONE || holds(nexus))
        {
            return false;
        }
        final boolean registered = registrationOf(nexus) != null;
        return switch (type)
        {
            case WRITE_EXCLUSIVE -> access == Access.WRITE;
            case EXCLUSIVE_ACCESS -> true;
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY, WRITE_EXCLUSIVE_ALL_REGISTRANTS -> !registered && access == Access.WRITE;
            case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> !registered;
            default -> false;
        };
    }

    /** SPC-4 5.12.5-5.12.11 and 6.16: what a PERSISTENT RESERVE OUT does to this state. */
    public Decision out(final PrOut request)
    {
        final Registration own = registrationOf(request.nexus());
        switch (request.action())
        {
            case PrOut.REGISTER, PrOut.REGISTER_AND_IGNORE_EXISTING_KEY ->
            {
                final boolean ignore = request.action() == PrOut.REGISTER_AND_IGNORE_EXISTING_KEY;
                if (own == null)
                {
                    if (!ignore && request.key() != 0)
                    {
                        return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
                    }
                    if (request.serviceActionKey() == 0)
                    {
                        return Decision.refuse(Outcome.GOOD, this); // unregistering nothing: nothing to do
                    }
                    final ArrayList<Registration> next = new ArrayList<>(registrations);
                    next.add(new Registration(new Nexus(request.nexus().initiator(),
                        request.allTargetPorts() ? 0 : request.nexus().targetPort()), request.serviceActionKey()));
                    return changed(next, holder, type, request.aptpl(), List.of());
                }
                if (!ignore && request.key() != own.key())
                {
                    return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
                }
                final ArrayList<Registration> next = new ArrayList<>(registrations);
                next.remove(own);
                if (request.serviceActionKey() == 0)
                {
                    // Unregistered: a holder's reservation goes with it (all-registrants: with the last one).
                    final boolean releases = holder != null && (allRegistrants() ? next.isEmpty() : holds(request.nexus()));
                    return changed(next, releases ? null : holder, releases ? 0 : type, request.aptpl(), List.of());
                }
                next.add(registrations.indexOf(own), new Registration(own.nexus(), request.serviceActionKey()));
                return changed(next, holder, type, request.aptpl(), List.of());
            }
            case PrOut.RESERVE ->
            {
                if (own == null || own.key() != request.key())
                {
                    return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
                }
                if (request.scope() != 0 || !validType(request.type()))
                {
                    return Decision.refuse(Outcome.INVALID_FIELD_IN_CDB, this);
                }
                if (holder == null)
                {
                    return new Decision(Outcome.GOOD, new ReservationState(version + 1, generation, registrations, request.nexus(),
                        request.type(), aptpl), List.of());
                }
                return Decision.refuse(holds(request.nexus()) && type == request.type() ? Outcome.GOOD : Outcome.RESERVATION_CONFLICT, this);
            }
            case PrOut.RELEASE ->
            {
                if (own == null || own.key() != request.key())
                {
                    return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
                }
                if (holder == null || !holds(request.nexus()))
                {
                    return Decision.refuse(Outcome.GOOD, this);
                }
                if (request.scope() != 0 || request.type() != type)
                {
                    return Decision.refuse(Outcome.INVALID_RELEASE_OF_PERSISTENT_RESERVATION, this);
                }
                return new Decision(Outcome.GOOD, new ReservationState(version + 1, generation, registrations, null, 0, aptpl), List.of());
            }
            case PrOut.CLEAR ->
            {
                if (own == null || own.key() != request.key())
                {
                    return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
                }
                final List<Registration> removed = new ArrayList<>(registrations);
                removed.remove(own);
                return changed(new ArrayList<>(), null, 0, aptpl, removed);
            }
            case PrOut.PREEMPT, PrOut.PREEMPT_AND_ABORT ->
            {
                return preempt(request, own);
            }
            default ->
            {
                return Decision.refuse(Outcome.INVALID_FIELD_IN_CDB, this); // REGISTER AND MOVE, reserved actions
            }
        }
    }

    private Decision preempt(final PrOut request, final Registration own)
    {
        if (own == null || own.key() != request.key())
        {
            return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
        }
        final long victim = request.serviceActionKey();
        if (holder != null && allRegistrants() && victim == 0)
        {
            // Every other registrant goes; the preempting one takes a new reservation.
            if (request.scope() != 0 || !validType(request.type()))
            {
                return Decision.refuse(Outcome.INVALID_FIELD_IN_CDB, this);
            }
            final ArrayList<Registration> next = new ArrayList<>(List.of(own));
            final List<Registration> removed = new ArrayList<>(registrations);
            removed.remove(own);
            return changed(next, request.nexus(), request.type(), aptpl, removed);
        }
        if (victim == 0)
        {
            return Decision.refuse(Outcome.INVALID_FIELD_IN_PARAMETER_LIST, this);
        }
        final ArrayList<Registration> next = new ArrayList<>();
        final List<Registration> removed = new ArrayList<>();
        for (final Registration r : registrations)
        {
            if (r.key() == victim && !r.equals(own))
            {
                removed.add(r);
            }
            else
            {
                next.add(r);
            }
        }
        final Registration holding = holder == null || allRegistrants() ? null : registrationOf(holder);
        if (holding != null && holding.key() == victim)
        {
            // The holder's key: its registrations go and the preempting nexus holds the reservation.
            if (request.scope() != 0 || !validType(request.type()))
            {
                return Decision.refuse(Outcome.INVALID_FIELD_IN_CDB, this);
            }
            return changed(next, request.nexus(), request.type(), aptpl, removed);
        }
        if (removed.isEmpty())
        {
            return Decision.refuse(Outcome.RESERVATION_CONFLICT, this);
        }
        // Other registrants' keys: they go; the reservation stays (with the last all-registrant, it goes).
        final boolean lost = holder != null && allRegistrants() && next.isEmpty();
        return changed(next, lost ? null : holder, lost ? 0 : type, aptpl, removed);
    }

    private Decision changed(final ArrayList<Registration> next, final Nexus newHolder, final int newType, final boolean newAptpl,
                             final List<Registration> removed)
    {
        return new Decision(Outcome.GOOD, new ReservationState(version + 1, generation + 1 & 0xffff_ffffL, next, newHolder, newType, newAptpl), removed);
    }
}
