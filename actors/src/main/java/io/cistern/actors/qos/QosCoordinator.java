package io.cistern.actors.qos;

import io.cistern.actors.qos.QosBook.Allocation;
import io.cistern.actors.qos.QosBook.Gate;
import io.cistern.actors.qos.QosBook.Report;
import io.cistern.actors.qos.QosBook.VolumeUsage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link QosBook}'s memory of what every node's volumes did last round, and what it answers each
 * report with: for each of the node's volumes, its flow's limit (the policy's maximum, or the
 * {@link MinimumControl}'s cap if lower) times the node's share of that flow ({@link NodeShares}). Owned by
 * the entity's actor; no persistence (a moved entity knows everything again after one round of reports).
 */
final class QosCoordinator
{
    /** A node that has not reported for this long no longer counts (it is gone, or serves nothing). */
    static final long STALE_NANOS = 3_000_000_000L;
    /** How often the minimum control runs, at most: once per round of reports. */
    static final long ROUND_NANOS = 450_000_000L;
    /** A node whose requests waited for a limit more than this fraction of a round was held back by it. */
    static final double CONSTRAINED = 0.01;

    private record NodeRound(long receivedNanos, long intervalNanos, List<VolumeUsage> volumes)
    {
    }

    /** One node's part of a flow: per second over its last round. */
    private static final class NodeUse
    {
        final String node;
        double iops;
        double bytes;
        double throttled;

        NodeUse(final String node)
        {
            this.node = node;
        }
    }

    /** A flow (what one allowance covers) over every node. */
    private static final class Flow
    {
        final String key;
        final QosPolicy policy;
        final Map<String, NodeUse> nodes = new LinkedHashMap<>();
        double busy;

        Flow(final String key, final QosPolicy policy)
        {
            this.key = key;
            this.policy = policy;
        }

        double iops()
        {
            return nodes.values().stream().mapToDouble(n -> n.iops).sum();
        }

        long min()
        {
            return policy == null ? 0 : policy.minIops();
        }

        double maxIops()
        {
            return policy == null ? Double.POSITIVE_INFINITY : policy.iopsLimit();
        }

        double maxBandwidth()
        {
            return policy == null ? Double.POSITIVE_INFINITY : policy.bandwidthLimit();
        }
    }

    private final Map<String, NodeRound> nodes = new HashMap<>();
    private final MinimumControl control = new MinimumControl();
    private final Map<Long, Long> throttledNanos = new HashMap<>();
    private long lastRound;
    private boolean controlled;

    Allocation report(final QosState state, final Report report, final long now)
    {
        nodes.put(report.node(), new NodeRound(now, Math.max(1, report.intervalNanos()), List.copyOf(report.volumes())));
        report.volumes().forEach(v -> throttledNanos.merge(v.volumeId(), v.throttledNanos(), Long::sum));
        nodes.values().removeIf(round -> now - round.receivedNanos() > STALE_NANOS);
        final Map<String, Flow> flows = flows(state);
        if (!controlled || now - lastRound >= ROUND_NANOS)
        {
            controlled = true;
            lastRound = now;
            control.round(flows.values().stream()
                .map(f -> new MinimumControl.FlowUse(f.key, f.min(), f.maxIops(), f.iops(), f.busy)).toList());
        }
        final ArrayList<Gate> gates = new ArrayList<>();
        for (final VolumeUsage volume : report.volumes())
        {
            gates.add(gate(flows.get(flowKey(state, volume.volumeId())), volume.volumeId(), report.node()));
        }
        return new Allocation(state.normalizationBytes(), gates);
    }

    QosBook.Status status(final QosState state, final long now)
    {
        nodes.values().removeIf(round -> now - round.receivedNanos() > STALE_NANOS);
        final Map<String, Flow> flows = flows(state);
        final Set<String> shortfalls = control.shortfalls();
        final Map<Long, double[]> rates = new LinkedHashMap<>();
        final Map<Long, String> names = new HashMap<>();
        state.assignments().values().forEach(a ->
        {
            rates.put(a.volumeId(), new double[2]);
            names.put(a.volumeId(), a.volumeName());
        });
        nodes.values().forEach(round -> round.volumes().forEach(v ->
        {
            final double seconds = round.intervalNanos() / 1e9;
            final double[] r = rates.computeIfAbsent(v.volumeId(), id -> new double[2]);
            r[0] += v.ios() / seconds;
            r[1] += v.bytes() / seconds;
            names.putIfAbsent(v.volumeId(), v.volumeName());
        }));
        final ArrayList<QosBook.VolumeQos> volumes = new ArrayList<>();
        rates.forEach((id, r) ->
        {
            final String key = flowKey(state, id);
            final QosPolicy policy = state.policyOf(id);
            final double limit = Math.min(policy == null ? Double.POSITIVE_INFINITY : policy.iopsLimit(), control.cap(key));
            volumes.add(new QosBook.VolumeQos(id, names.get(id), policy == null ? null : policy.name(), r[0], r[1],
                Double.isInfinite(limit) ? 0 : limit, throttledNanos.getOrDefault(id, 0L) / 1e9,
                shortfalls.contains(key) && flows.containsKey(key)));
        });
        return new QosBook.Status(state.normalizationBytes(), new ArrayList<>(state.policies().values()), volumes);
    }

    /** The allowance a volume is under: its own, or its aggregated policy's. */
    static String flowKey(final QosState state, final long volumeId)
    {
        final QosPolicy policy = state.policyOf(volumeId);
        return policy != null && policy.type() == QosPolicy.Type.AGGREGATED ? "policy:" + policy.name() :
            "volume:" + Long.toHexString(volumeId);
    }

    private Map<String, Flow> flows(final QosState state)
    {
        final Map<String, Flow> flows = new LinkedHashMap<>();
        nodes.forEach((node, round) ->
        {
            final double seconds = round.intervalNanos() / 1e9;
            for (final VolumeUsage volume : round.volumes())
            {
                final String key = flowKey(state, volume.volumeId());
                final Flow flow = flows.computeIfAbsent(key, k -> new Flow(k, state.policyOf(volume.volumeId())));
                final NodeUse use = flow.nodes.computeIfAbsent(node, NodeUse::new);
                use.iops += volume.ios() / seconds;
                use.bytes += volume.bytes() / seconds;
                use.throttled += volume.throttledNanos() / (double)round.intervalNanos();
                flow.busy += volume.busyNanos() / (double)round.intervalNanos();
            }
        });
        return flows;
    }

    private Gate gate(final Flow flow, final long volumeId, final String node)
    {
        final double iopsLimit = Math.min(flow.maxIops(), control.cap(flow.key));
        final double bandwidthLimit = flow.maxBandwidth();
        if (Double.isInfinite(iopsLimit) && Double.isInfinite(bandwidthLimit))
        {
            return new Gate(volumeId, flow.key, 0, 0);
        }
        // The nodes' shares are of the IOPS limit if there is one, else of the bandwidth; either way a fraction of both.
        final boolean byIops = !Double.isInfinite(iopsLimit);
        final List<NodeUse> uses = new ArrayList<>(flow.nodes.values());
        final double[] usage = new double[uses.size()];
        final boolean[] constrained = new boolean[uses.size()];
        int self = 0;
        for (int i = 0; i < uses.size(); i++)
        {
            usage[i] = byIops ? uses.get(i).iops : uses.get(i).bytes;
            constrained[i] = uses.get(i).throttled > CONSTRAINED;
            if (uses.get(i).node.equals(node))
            {
                self = i;
            }
        }
        final double limit = byIops ? iopsLimit : bandwidthLimit;
        final double fraction = NodeShares.split(limit, usage, constrained)[self] / limit;
        return new Gate(volumeId, flow.key, byIops ? iopsLimit * fraction : 0,
            Double.isInfinite(bandwidthLimit) ? 0 : bandwidthLimit * fraction);
    }
}
