package io.cistern.actors.health;

import io.cistern.actors.health.HealthMonitor.Fault;
import io.cistern.actors.qos.QosBook;
import io.cistern.actors.qos.QosPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Storage QoS minimums that cannot be met: the coordinator throttled everything else it could and a
 * volume (or an aggregated policy's volumes together) still gets less than its minimum while its I/O
 * waits. One fault per volume, or per aggregated policy. Pure.
 */
final class QosFaults
{
    static final String KIND = "QOS_MINIMUM_NOT_MET";

    private QosFaults()
    {
    }

    static List<Fault> of(final QosBook.Status status, final long nowMillis)
    {
        final Map<String, QosPolicy> policies = new LinkedHashMap<>();
        status.policies().forEach(p -> policies.put(p.name(), p));
        final Map<String, double[]> aggregated = new LinkedHashMap<>();
        final Map<String, List<String>> members = new LinkedHashMap<>();
        final List<Fault> faults = new ArrayList<>();
        for (final QosBook.VolumeQos volume : status.volumes())
        {
            final QosPolicy policy = volume.policy() == null ? null : policies.get(volume.policy());
            if (!volume.minimumUnmet() || policy == null)
            {
                continue;
            }
            if (policy.type() == QosPolicy.Type.AGGREGATED)
            {
                aggregated.computeIfAbsent(policy.name(), p -> new double[1])[0] += volume.normalizedIops();
                members.computeIfAbsent(policy.name(), p -> new ArrayList<>()).add(volume.volumeName());
                continue;
            }
            faults.add(new Fault("WARNING", KIND, "volume " + volume.volumeName(), String.format(java.util.Locale.ROOT,
                "volume %s gets %.0f normalised IOPS, under the minimum of %d of its QoS policy %s, while its I/O waits; " +
                    "every other volume is throttled as far as it goes. %s", volume.volumeName(), volume.normalizedIops(),
                policy.minIops(), policy.name(), advice(policy.name())), nowMillis));
        }
        aggregated.forEach((name, iops) -> faults.add(new Fault("WARNING", KIND, "qos policy " + name,
            String.format(java.util.Locale.ROOT,
                "the volumes of aggregated QoS policy %s (%s) get %.0f normalised IOPS together, under its minimum of %d, while " +
                    "their I/O waits; every other volume is throttled as far as it goes. %s", name,
                String.join(", ", members.get(name)), iops[0], policies.get(name).minIops(), advice(name)), nowMillis)));
        return faults;
    }

    private static String advice(final String policy)
    {
        return "Lower the minimum (cistern qos set " + policy + " --min-iops N), lower other policies' minimums, " +
            "or add drives or nodes.";
    }
}
