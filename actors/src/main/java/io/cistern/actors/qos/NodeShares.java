package io.cistern.actors.qos;

import java.util.Arrays;

/**
 * How one limit is split among the nodes that serve a flow at once, so that their sum never exceeds it
 * (a volume served through three nodes gets its maximum in total, not three times it). Pure.
 * <p>
 * Water-filling on demand: a node that was not throttled last round wants what it used, with headroom
 * (and never less than a small floor, so a node just starting is not shut out); a node that was
 * throttled wants without bound. Each node in turn, the least wanting first, gets the smaller of its want
 * and an even split of what is left; what nobody wanted is then shared evenly. One node alone gets all of it.
 */
public final class NodeShares
{
    /** How much more than its last use an unthrottled node is given room for. */
    static final double HEADROOM = 1.25;
    /** The least share an active node's want is taken as, as a fraction of the limit. */
    static final double FLOOR = 0.05;

    private NodeShares()
    {
    }

    /**
     * @param limit       the flow's limit (finite, positive).
     * @param usage       each node's use last round, in the limit's unit per second.
     * @param constrained whether each node was throttled last round.
     * @return each node's share; they sum to {@code limit}.
     */
    public static double[] split(final double limit, final double[] usage, final boolean[] constrained)
    {
        final int n = usage.length;
        final double[] shares = new double[n];
        if (n == 0)
        {
            return shares;
        }
        if (n == 1)
        {
            shares[0] = limit;
            return shares;
        }
        final double[] wants = new double[n];
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            wants[i] = constrained[i] ? Double.POSITIVE_INFINITY : Math.max(usage[i] * HEADROOM, limit * FLOOR);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(wants[a], wants[b]));
        double remaining = limit;
        int left = n;
        for (final int i : order)
        {
            final double give = Math.min(wants[i], remaining / left);
            shares[i] = give;
            remaining -= give;
            left--;
        }
        if (remaining > 0)
        {
            for (int i = 0; i < n; i++)
            {
                shares[i] += remaining / n;
            }
        }
        return shares;
    }
}
