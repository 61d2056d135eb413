package io.cistern.actors.qos;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster's QoS settings as the {@link QosBook} holds them: the policies, which volume is on which
 * (by volume id, so a volume made again under the same name starts without one) and the normalisation
 * unit. Immutable; each event makes a new one. The checks a change must pass are here, pure.
 */
public final class QosState
{
    public static final int DEFAULT_NORMALIZATION = 8 * 1024;
    public static final int MIN_NORMALIZATION = 512;
    public static final int MAX_NORMALIZATION = 1024 * 1024;

    public static final QosState EMPTY = new QosState(Map.of(), Map.of(), DEFAULT_NORMALIZATION);

    /** A volume's policy, with the volume's name when it was assigned (for listings). */
    public record Assignment(long volumeId, String volumeName, String policy)
    {
    }

    private final Map<String, QosPolicy> policies;
    private final Map<Long, Assignment> assignments;
    private final int normalizationBytes;

    private QosState(final Map<String, QosPolicy> policies, final Map<Long, Assignment> assignments, final int normalizationBytes)
    {
        this.policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        this.assignments = Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
        this.normalizationBytes = normalizationBytes;
    }

    public Map<String, QosPolicy> policies()
    {
        return policies;
    }

    public Map<Long, Assignment> assignments()
    {
        return assignments;
    }

    /** The size an I/O counts as one normalised I/O up to. */
    public int normalizationBytes()
    {
        return normalizationBytes;
    }

    /** The policy of a volume, or null. */
    public QosPolicy policyOf(final long volumeId)
    {
        final Assignment assignment = assignments.get(volumeId);
        return assignment == null ? null : policies.get(assignment.policy());
    }

    /** Why {@code policy} cannot be created, or null. */
    public String createProblem(final QosPolicy policy)
    {
        final String problem = policy.problem();
        if (problem != null)
        {
            return problem;
        }
        return policies.containsKey(policy.name()) ? "policy " + policy.name() + " exists already" : null;
    }

    /** Why {@code policy} cannot replace the one of its name, or null (a policy keeps its type: volumes share or not by it). */
    public String changeProblem(final QosPolicy policy)
    {
        final String problem = policy.problem();
        if (problem != null)
        {
            return problem;
        }
        final QosPolicy old = policies.get(policy.name());
        if (old == null)
        {
            return null;
        }
        return old.type() != policy.type() ?
            "policy " + policy.name() + " is " + old.type().label() + "; a policy keeps its type (make a new one)" : null;
    }

    /** Why volumes may not be assigned {@code policy}, or null. */
    public String assignProblem(final String policy)
    {
        return policies.containsKey(policy) ? null : "there is no QoS policy " + policy;
    }

    /** Why the policy cannot be deleted now, or null; the {@link QosBook} also says which volumes use it. */
    public String deleteProblem(final String policy)
    {
        if (!policies.containsKey(policy))
        {
            return "there is no QoS policy " + policy;
        }
        return null;
    }

    public static String normalizationProblem(final long bytes)
    {
        if (bytes < MIN_NORMALIZATION || bytes > MAX_NORMALIZATION || bytes % MIN_NORMALIZATION != 0)
        {
            return "the normalisation size is a multiple of 512 bytes from 512 bytes to 1 MiB; got " + bytes + " bytes";
        }
        return null;
    }

    QosState withPolicy(final QosPolicy policy)
    {
        final Map<String, QosPolicy> next = new LinkedHashMap<>(policies);
        next.put(policy.name(), policy);
        return new QosState(next, assignments, normalizationBytes);
    }

    QosState withoutPolicy(final String name)
    {
        final Map<String, QosPolicy> next = new LinkedHashMap<>(policies);
        next.remove(name);
        final Map<Long, Assignment> kept = new LinkedHashMap<>(assignments);
        kept.values().removeIf(a -> a.policy().equals(name));
        return new QosState(next, kept, normalizationBytes);
    }

    QosState withAssignment(final Assignment assignment)
    {
        final Map<Long, Assignment> next = new LinkedHashMap<>(assignments);
        next.put(assignment.volumeId(), assignment);
        return new QosState(policies, next, normalizationBytes);
    }

    QosState withoutAssignment(final long volumeId)
    {
        final Map<Long, Assignment> next = new LinkedHashMap<>(assignments);
        next.remove(volumeId);
        return new QosState(policies, next, normalizationBytes);
    }

    QosState withNormalization(final int bytes)
    {
        return new QosState(policies, assignments, bytes);
    }
}
