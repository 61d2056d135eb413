package io.cistern.node.api;

import io.cistern.actors.qos.QosBook;
import io.cistern.actors.qos.QosPolicy;
import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/qos}: the normalisation unit, each policy with the volumes on it, and each volume that
 * is on a policy or busy: its normalised IOPS cluster-wide, its limit now and the time it was throttled.
 * Volumes are named as the pool has them now; assignments of deleted volumes are left out.
 */
final class QosDocument
{
    private QosDocument()
    {
    }

    static Map<String, Object> of(final QosBook.Status status, final List<VolumeInfo> live)
    {
        final Map<Long, String> names = new HashMap<>();
        live.forEach(v -> names.put(v.volumeId(), v.name()));
        final Map<String, List<String>> onPolicy = new LinkedHashMap<>();
        status.policies().forEach(p -> onPolicy.put(p.name(), new ArrayList<>()));
        final List<Map<String, Object>> volumes = new ArrayList<>();
        for (final QosBook.VolumeQos v : status.volumes())
        {
            final String name = names.get(v.volumeId());
            if (name == null)
            {
                continue;
            }
            if (v.policy() != null)
            {
                onPolicy.computeIfAbsent(v.policy(), p -> new ArrayList<>()).add(name);
            }
            final Map<String, Object> volume = new LinkedHashMap<>();
            volume.put("volume", name);
            volume.put("policy", v.policy() == null ? "" : v.policy());
            volume.put("normalizedIops", Math.round(v.normalizedIops()));
            volume.put("bytesPerSecond", Math.round(v.bytesPerSecond()));
            volume.put("limitIops", Math.round(v.limitIops()));
            volume.put("throttledSeconds", Math.round(v.throttledSeconds() * 1000) / 1000.0);
            volume.put("minimumMet", !v.minimumUnmet());
            volumes.add(volume);
        }
        final List<Map<String, Object>> policies = new ArrayList<>();
        for (final QosPolicy p : status.policies())
        {
            final Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("name", p.name());
            policy.put("type", p.type().label());
            policy.put("minIops", p.minIops());
            policy.put("maxIops", p.maxIops());
            policy.put("maxBandwidth", p.maxBytesPerSecond());
            policy.put("volumes", onPolicy.get(p.name()));
            policies.add(policy);
        }
        final Map<String, Object> document = new LinkedHashMap<>();
        document.put("normalizationSize", status.normalizationBytes());
        document.put("policies", policies);
        document.put("volumes", volumes);
        return document;
    }

    /** One policy of a document made by {@link #of}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> policy(final Object document, final String name)
    {
        for (final Map<String, Object> policy : (List<Map<String, Object>>)((Map<String, Object>)document).get("policies"))
        {
            if (policy.get("name").equals(name))
            {
                return policy;
            }
        }
        throw new VolumeException(VolumeException.Kind.NOT_FOUND, "there is no QoS policy " + name);
    }
}
