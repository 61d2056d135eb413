package io.cistern.node.qos;

import io.cistern.actors.qos.QosBook;
import io.cistern.actors.qos.QosState;
import io.cistern.node.metrics.MetricsRegistry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's QoS gates, one per volume it serves, and the allowances they are under: what the governor
 * reports to the cluster's coordinator and applies its answers to. The data path asks it for a volume's
 * gate at each open and for the normalisation unit at each request.
 */
public final class QosGates
{
    private final MetricsRegistry metrics;
    private final Map<Long, VolumeGate> gates = new ConcurrentHashMap<>();
    /** The allowances by the coordinator's bucket name (a volume's own, or an aggregated policy's). */
    private final Map<String, RateBucket> buckets = new ConcurrentHashMap<>();
    private volatile int normalizationBytes = QosState.DEFAULT_NORMALIZATION;
    private volatile Runnable onNewVolume = () -> { };

    public QosGates(final MetricsRegistry metrics)
    {
        this.metrics = metrics;
    }

    /** The normalised I/Os a request of {@code length} bytes counts: one per unit, rounded up; at least one. */
    long cost(final long length)
    {
        final int unit = normalizationBytes;
        return Math.max(1, (length + unit - 1) / unit);
    }

    int normalizationBytes()
    {
        return normalizationBytes;
    }

    VolumeGate open(final long volumeId, final String volumeName)
    {
        final boolean[] created = new boolean[1];
        // compute, not computeIfAbsent then increment: a report dropping an idle gate must not race this session.
        final VolumeGate gate = gates.compute(volumeId, (id, known) ->
        {
            final VolumeGate g = known != null ? known : new VolumeGate(id, volumeName, metrics.volume(volumeName));
            created[0] = known == null;
            g.sessions.incrementAndGet();
            return g;
        });
        if (created[0])
        {
            onNewVolume.run(); // its first allocation now, not at the next round
        }
        return gate;
    }

    void close(final VolumeGate gate)
    {
        gate.sessions.decrementAndGet();
    }

    /** Who to tell when a volume is first opened here (the governor, to report at once). */
    void onNewVolume(final Runnable callback)
    {
        this.onNewVolume = callback;
    }

    /**
     * Every gate's use since the last report. A gate without sessions is reported one last time and then
     * dropped (its volume is no longer served here).
     */
    ArrayList<QosBook.VolumeUsage> sample()
    {
        final ArrayList<QosBook.VolumeUsage> usage = new ArrayList<>();
        for (final VolumeGate gate : gates.values())
        {
            usage.add(gate.sample());
            if (gate.sessions.get() <= 0)
            {
                gates.computeIfPresent(gate.volumeId, (id, g) -> g.sessions.get() <= 0 ? null : g);
            }
        }
        return usage;
    }

    /** The coordinator's answer: each volume's allowance, shared by name. */
    void apply(final QosBook.Allocation allocation)
    {
        normalizationBytes = allocation.normalizationBytes();
        final Set<String> named = new HashSet<>();
        for (final QosBook.Gate answer : allocation.gates())
        {
            named.add(answer.bucket());
            final RateBucket bucket = buckets.computeIfAbsent(answer.bucket(), name -> new RateBucket(0, 0));
            bucket.setRates(answer.iopsPerSecond(), answer.bytesPerSecond());
            final VolumeGate gate = gates.get(answer.volumeId());
            if (gate != null)
            {
                gate.allocate(bucket);
            }
        }
        buckets.keySet().retainAll(named);
    }

    /** The gate of a volume served here now, or null (for tests and the metrics). */
    VolumeGate gate(final long volumeId)
    {
        return gates.get(volumeId);
    }
}
