package io.cistern.actors.qos;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeSharesTest
{
    @Test
    void oneNodeGetsTheWholeLimit()
    {
        assertEquals(500, NodeShares.split(500, new double[]{3}, new boolean[]{false})[0], 1e-9);
    }

    @Test
    void twoThrottledNodesSplitEvenly()
    {
        final double[] shares = NodeShares.split(1000, new double[]{700, 300}, new boolean[]{true, true});
        assertEquals(500, shares[0], 1e-9);
        assertEquals(500, shares[1], 1e-9);
    }

    @Test
    void aQuietNodeKeepsHeadroomAndTheBusyOneGetsTheRest()
    {
        final double[] shares = NodeShares.split(1000, new double[]{100, 900}, new boolean[]{false, true});
        assertEquals(125 + 0, shares[0], 1e-9);
        assertEquals(875, shares[1], 1e-9);
    }

    @Test
    void anIdleNodeIsNotShutOut()
    {
        final double[] shares = NodeShares.split(1000, new double[]{0, 1000}, new boolean[]{false, true});
        assertEquals(50, shares[0], 1e-9);
        assertEquals(950, shares[1], 1e-9);
    }

    @Test
    void whatNobodyWantsIsSharedAndTheSumIsAlwaysTheLimit()
    {
        final double[] shares = NodeShares.split(1000, new double[]{100, 200, 300}, new boolean[]{false, false, false});
        assertEquals(1000, Arrays.stream(shares).sum(), 1e-6);
        assertTrue(shares[2] > shares[0]);
        final java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 1000; round++)
        {
            final int n = 1 + random.nextInt(8);
            final double[] usage = new double[n];
            final boolean[] constrained = new boolean[n];
            for (int i = 0; i < n; i++)
            {
                usage[i] = random.nextDouble() * 2000;
                constrained[i] = random.nextBoolean();
            }
            final double limit = 1 + random.nextDouble() * 5000;
            final double[] split = NodeShares.split(limit, usage, constrained);
            assertEquals(limit, Arrays.stream(split).sum(), limit * 1e-9);
            Arrays.stream(split).forEach(share -> assertTrue(share > 0));
        }
    }
}
