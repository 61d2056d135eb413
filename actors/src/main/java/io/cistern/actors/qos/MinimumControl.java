package io.cistern.actors.qos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps QoS minimums under contention, as Storage QoS does: when a flow with a minimum has I/O waiting
 * and gets less than its minimum, the flows above their own minimum are capped below what they now use
 * (multiplicative decrease each round) until it gets it; once every such flow has its minimum with room to
 * spare, the caps are raised again slowly (and dropped once they no longer bind), so the flows between
 * take turns at no one's expense. A minimum that stays unmet with nothing left to throttle is a
 * shortfall: the health monitor raises a fault for it.
 * <p>
 * A flow is what one allowance covers: a volume (dedicated policy, or none), or an aggregated policy's
 * volumes together. No actor: the {@link QosBook}'s coordinator runs it each round; tests drive it directly.
 */
public final class MinimumControl
{
    /** A flow's last round, cluster-wide. {@code busy}: the mean number of its I/Os outstanding (waiting or in flight). */
    public record FlowUse(String key, long min, double max, double usage, double busy)
    {
        boolean starving()
        {
            return min > 0 && usage < min && busy >= BACKLOGGED;
        }

        boolean wantsMinimum()
        {
            return min > 0 && busy >= BACKLOGGED;
        }
    }

    /** A flow with at least this many I/Os outstanding on average wants more than it gets. */
    static final double BACKLOGGED = 0.5;
    /** The least normalised IOPS a flow is capped to, however much a minimum wants. */
    static final double FLOOR_IOPS = 16;
    static final double DECREASE = 0.8;
    static final double INCREASE = 1.1;
    /** Caps are raised only while every wanting minimum is this much above its minimum. */
    static final double SPARE = 1.1;
    /** Rounds a minimum stays unmet with nothing to throttle before it is a shortfall. */
    static final int SHORTFALL_ROUNDS = 5;

    private final Map<String, Double> caps = new HashMap<>();
    private final Map<String, Integer> unmet = new HashMap<>();

    /** One round over every flow with I/O or open sessions now. */
    public void round(final List<FlowUse> flows)
    {
        final Set<String> present = new HashSet<>();
        flows.forEach(f -> present.add(f.key()));
        caps.keySet().retainAll(present);
        unmet.keySet().retainAll(present);

        final List<FlowUse> starving = flows.stream().filter(FlowUse::starving).toList();
        if (starving.isEmpty())
        {
            unmet.clear();
            final List<FlowUse> wanting = flows.stream().filter(FlowUse::wantsMinimum).toList();
            if (wanting.isEmpty())
            {
                caps.clear(); // no minimum to keep: no reason to hold anyone back
                return;
            }
            if (wanting.stream().allMatch(f -> f.usage() >= f.min() * SPARE))
            {
                raise(flows);
            }
            return;
        }
        final List<FlowUse> victims = new ArrayList<>();
        for (final FlowUse flow : flows)
        {
            // One capped at its floor already cannot give more, whatever it measured last round (a cap is a rate,
            // a round's count overshoots it a little).
            if (!flow.starving() && flow.usage() > floor(flow) * 1.05 && cap(flow.key()) > floor(flow))
            {
                victims.add(flow);
            }
        }
        for (final FlowUse victim : victims)
        {
            final double from = Math.min(cap(victim.key()), victim.usage());
            caps.put(victim.key(), Math.max(floor(victim), from * DECREASE));
        }
        for (final FlowUse flow : starving)
        {
            if (victims.isEmpty())
            {
                unmet.merge(flow.key(), 1, Integer::sum);
            }
            else
            {
                unmet.remove(flow.key());
            }
        }
    }

    private void raise(final List<FlowUse> flows)
    {
        for (final FlowUse flow : flows)
        {
            final Double cap = caps.get(flow.key());
            if (cap == null)
            {
                continue;
            }
            final double next = cap * INCREASE + FLOOR_IOPS;
            if (next >= flow.max() || next > 2 * flow.usage() + 4 * FLOOR_IOPS)
            {
                caps.remove(flow.key()); // it no longer binds
            }
            else
            {
                caps.put(flow.key(), next);
            }
        }
    }

    private static double floor(final FlowUse flow)
    {
        return Math.max(flow.min(), FLOOR_IOPS);
    }

    /** The flow's cap in normalised IOPS now, or {@link Double#POSITIVE_INFINITY}. */
    public double cap(final String key)
    {
        return caps.getOrDefault(key, Double.POSITIVE_INFINITY);
    }

    /** The flows whose minimum has stayed unmet with nothing left to throttle. */
    public Set<String> shortfalls()
    {
        final Set<String> keys = new HashSet<>();
        unmet.forEach((key, rounds) ->
        {
            if (rounds >= SHORTFALL_ROUNDS)
            {
                keys.add(key);
            }
        });
        return keys;
    }
}
