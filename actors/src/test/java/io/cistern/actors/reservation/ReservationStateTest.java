package io.cistern.actors.reservation;

import org.junit.jupiter.api.Test;

import static io.cistern.actors.reservation.ReservationState.Access.NONE;
import static io.cistern.actors.reservation.ReservationState.Access.READ;
import static io.cistern.actors.reservation.ReservationState.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPC-4's persistent reservation rules as one pure function, case by case. */
class ReservationStateTest
{
    private static final Nexus A = new Nexus("iqn.2026-12.test:a,i,0x800000000001", 1);
    private static final Nexus A_OTHER_PORT = new Nexus("iqn.2026-12.test:a,i,0x800000000001", 2);
    private static final Nexus B = new Nexus("iqn.2026-12.test:b,i,0x800000000002", 2);
    private static final Nexus C = new Nexus("iqn.2026-12.test:c,i,0x800000000003", 1);

    private static PrOut out(final Nexus nexus, final int action, final int type, final long key, final long saKey)
    {
        return new PrOut(nexus, action, 0, type, key, saKey, false, false);
    }

    private static ReservationState good(final ReservationState state, final PrOut request)
    {
        final ReservationState.Decision decision = state.out(request);
        assertEquals(Outcome.GOOD, decision.outcome(), request.toString());
        return decision.next();
    }

    @Test
    void registeringTakesAKeyAndChangingItNeedsTheOldOne()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        assertEquals(1, s.generation());
        assertEquals(0xa, s.registrationOf(A).key());
        assertNull(s.registrationOf(A_OTHER_PORT), "a registration is per I_T nexus");
        assertEquals(Outcome.RESERVATION_CONFLICT, s.out(out(A, PrOut.REGISTER, 0, 0xb, 0xc)).outcome(), "wrong old key");
        assertEquals(Outcome.RESERVATION_CONFLICT, s.out(out(B, PrOut.REGISTER, 0, 0xb, 0xb)).outcome(),
            "an unregistered nexus names no key");
        s = good(s, out(A, PrOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0x999, 0xd));
        assertEquals(0xd, s.registrationOf(A).key());
        s = good(s, out(A, PrOut.REGISTER, 0, 0xd, 0));
        assertNull(s.registrationOf(A), "a service action key of 0 unregisters");
        assertEquals(3, s.generation());
    }

    @Test
    void allTargetPortsRegistersTheInitiatorPortThroughEveryNode()
    {
        final ReservationState s = good(ReservationState.EMPTY, new PrOut(A, PrOut.REGISTER, 0, 0, 0, 0xa, true, false));
        assertEquals(0xa, s.registrationOf(A_OTHER_PORT).key());
    }

    @Test
    void writeExclusiveRegistrantsOnlyLetsRegistrantsWriteAndEveryoneRead()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        s = good(s, out(B, PrOut.REGISTER, 0, 0, 0xb));
        s = good(s, out(A, PrOut.RESERVE, ReservationState.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xa, 0));
        assertEquals(2, s.generation(), "a reservation does not count as a registration change");
        assertFalse(s.conflicts(B, WRITE), "a registrant writes");
        assertTrue(s.conflicts(C, WRITE), "an unregistered nexus does not");
        assertFalse(s.conflicts(C, READ));
        assertFalse(s.conflicts(C, NONE));
        assertEquals(Outcome.RESERVATION_CONFLICT,
            s.out(out(B, PrOut.RESERVE, ReservationState.EXCLUSIVE_ACCESS, 0xb, 0)).outcome(), "held by another");
        assertEquals(Outcome.GOOD, s.out(out(A, PrOut.RESERVE, ReservationState.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xa, 0)).outcome(),
            "reserving again what one holds");
    }

    @Test
    void exclusiveAccessShutsOutEvenRegisteredReadersButTheHolder()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        s = good(s, out(B, PrOut.REGISTER, 0, 0, 0xb));
        s = good(s, out(A, PrOut.RESERVE, ReservationState.EXCLUSIVE_ACCESS, 0xa, 0));
        assertTrue(s.conflicts(B, READ));
        assertFalse(s.conflicts(A, WRITE));
        assertTrue(s.conflicts(A_OTHER_PORT, READ), "the holder is one nexus, not its initiator through every port");
    }

    @Test
    void releaseNeedsTheHoldersTypeAndUnregisteringTheHolderReleases()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        s = good(s, out(A, PrOut.RESERVE, ReservationState.WRITE_EXCLUSIVE, 0xa, 0));
        assertEquals(Outcome.INVALID_RELEASE_OF_PERSISTENT_RESERVATION,
            s.out(out(A, PrOut.RELEASE, ReservationState.EXCLUSIVE_ACCESS, 0xa, 0)).outcome());
        assertFalse(good(s, out(A, PrOut.RELEASE, ReservationState.WRITE_EXCLUSIVE, 0xa, 0)).reserved());
        assertFalse(good(s, out(A, PrOut.REGISTER, 0, 0xa, 0)).reserved());
    }

    @Test
    void preemptingTheHoldersKeyRemovesItsRegistrationsAndMovesTheReservation()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        s = good(s, out(B, PrOut.REGISTER, 0, 0, 0xb));
        s = good(s, out(A, PrOut.RESERVE, ReservationState.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xa, 0));
        final ReservationState.Decision preempt = s.out(out(B, PrOut.PREEMPT_AND_ABORT,
            ReservationState.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xb, 0xa));
        assertEquals(Outcome.GOOD, preempt.outcome());
        assertEquals(1, preempt.removed().size());
        assertEquals(A, preempt.removed().get(0).nexus());
        final ReservationState after = preempt.next();
        assertTrue(after.holds(B));
        assertNull(after.registrationOf(A));
        assertTrue(after.conflicts(A, WRITE), "the preempted initiator is fenced");
        assertFalse(after.conflicts(A, READ));
        assertEquals(Outcome.INVALID_FIELD_IN_PARAMETER_LIST, after.out(out(B, PrOut.PREEMPT, 5, 0xb, 0)).outcome());
        assertEquals(Outcome.RESERVATION_CONFLICT, after.out(out(B, PrOut.PREEMPT, 5, 0xb, 0x77)).outcome(), "no such key");
    }

    @Test
    void allRegistrantsReservationsAreHeldByEveryRegistrantAndPreemptedWithKeyZero()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        s = good(s, out(B, PrOut.REGISTER, 0, 0, 0xb));
        s = good(s, out(A, PrOut.RESERVE, ReservationState.EXCLUSIVE_ACCESS_ALL_REGISTRANTS, 0xa, 0));
        assertTrue(s.holds(B));
        assertFalse(s.conflicts(B, WRITE));
        assertTrue(s.conflicts(C, READ));
        final ReservationState after = good(s, out(B, PrOut.PREEMPT, ReservationState.WRITE_EXCLUSIVE, 0xb, 0));
        assertNull(after.registrationOf(A));
        assertEquals(ReservationState.WRITE_EXCLUSIVE, after.type());
        assertTrue(after.holds(B));
    }

    @Test
    void clearRemovesEverythingButOnlyForARegistrant()
    {
        ReservationState s = good(ReservationState.EMPTY, out(A, PrOut.REGISTER, 0, 0, 0xa));
        s = good(s, out(A, PrOut.RESERVE, ReservationState.EXCLUSIVE_ACCESS, 0xa, 0));
        assertEquals(Outcome.RESERVATION_CONFLICT, s.out(out(B, PrOut.CLEAR, 0, 0xb, 0)).outcome());
        final ReservationState cleared = good(s, out(A, PrOut.CLEAR, 0, 0xa, 0));
        assertFalse(cleared.reserved());
        assertTrue(cleared.registrations().isEmpty());
        assertTrue(cleared.version() > s.version());
    }
}
