package io.cistern.actors.qos;

import io.cistern.actors.qos.MinimumControl.FlowUse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinimumControlTest
{
    private static final double INF = Double.POSITIVE_INFINITY;

    /**
     * A toy pool that does 3000 normalised IOPS in all, shared by outstanding I/O (a flooder at queue depth 32
     * against a volume with a minimum at depth 4), each flow held to its cap: the control must get the
     * minimum its 1000 within a few seconds of rounds and keep it.
     */
    @Test
    void aFlooderIsHeldBackUntilTheMinimumIsMetAndTheMinimumIsKept()
    {
        final MinimumControl control = new MinimumControl();
        double kept = 0;
        double flooder = 0;
        int met = 0;
        for (int round = 0; round < 60; round++)
        {
            final double capA = control.cap("a");
            final double capB = control.cap("b");
            // What each gets: shares by depth, then a capped flow gives its rest to the other.
            double a = 3000 * 4 / 36.0;
            double b = 3000 - a;
            if (b > capB)
            {
                b = capB;
                a = Math.min(3000 - b, capA);
            }
            kept = a;
            flooder = b;
            if (round >= 20 && a >= 1000)
            {
                met++;
            }
            control.round(List.of(new FlowUse("a", 1000, INF, a, 4), new FlowUse("b", 0, INF, b, 32)));
        }
        assertEquals(40, met, "the minimum held in every round once reached (last: " + kept + ", flooder " + flooder + ")");
        assertTrue(flooder > 1000, "the flooder keeps what the minimum does not need: " + flooder);
        assertTrue(control.shortfalls().isEmpty());
    }

    @Test
    void capsAreDroppedWhenNoMinimumIsWanted()
    {
        final MinimumControl control = new MinimumControl();
        control.round(List.of(new FlowUse("a", 1000, INF, 200, 4), new FlowUse("b", 0, INF, 2800, 32)));
        assertEquals(2800 * MinimumControl.DECREASE, control.cap("b"), 1e-9);
        // The volume with the minimum goes quiet: nothing to keep, so no one is held back.
        control.round(List.of(new FlowUse("a", 1000, INF, 0, 0), new FlowUse("b", 0, INF, 2240, 32)));
        assertEquals(INF, control.cap("b"));
    }

    @Test
    void aFlowIsNeverCappedBelowItsOwnMinimum()
    {
        final MinimumControl control = new MinimumControl();
        for (int round = 0; round < 50; round++)
        {
            control.round(List.of(new FlowUse("a", 5000, INF, 100, 4), new FlowUse("b", 300, INF, 400, 32)));
        }
        assertEquals(300, control.cap("b"), 1e-9);
    }

    @Test
    void aMinimumUnmetWithNothingLeftToThrottleIsAShortfallAndClearsWhenMet()
    {
        final MinimumControl control = new MinimumControl();
        for (int round = 0; round < MinimumControl.SHORTFALL_ROUNDS - 1; round++)
        {
            control.round(List.of(new FlowUse("a", 100_000, INF, 2000, 8)));
        }
        assertFalse(control.shortfalls().contains("a"), "not yet: a few rounds first");
        control.round(List.of(new FlowUse("a", 100_000, INF, 2000, 8)));
        assertEquals(java.util.Set.of("a"), control.shortfalls());
        control.round(List.of(new FlowUse("a", 100_000, INF, 2000, 0)));
        assertTrue(control.shortfalls().isEmpty(), "no I/O waiting: nothing is unmet");
    }

    @Test
    void aFlowHeldAtItsFloorIsNoLongerAVictimThoughItMeasuresAboveIt()
    {
        final MinimumControl control = new MinimumControl();
        int rounds = 0;
        while (control.shortfalls().isEmpty() && rounds++ < 100)
        {
            // The flood is held to its cap, but a round's count comes out a little above it.
            final double flood = Math.min(control.cap("b"), 4000) * 1.1;
            control.round(List.of(new FlowUse("a", 1_000_000, INF, 6000, 4), new FlowUse("b", 0, INF, flood, 32)));
        }
        assertEquals(MinimumControl.FLOOR_IOPS, control.cap("b"), 1e-9);
        assertEquals(java.util.Set.of("a"), control.shortfalls(), "after " + rounds + " rounds");
        assertTrue(rounds < 40, rounds + " rounds");
    }
}
