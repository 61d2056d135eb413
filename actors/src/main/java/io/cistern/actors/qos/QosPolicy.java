package io.cistern.actors.qos;

import io.cistern.actors.serialization.CisternSerializable;

import java.util.regex.Pattern;

/**
 * A Storage QoS policy, like Storage Spaces Direct's: minimum and maximum IOPS normalised to the
 * cluster's unit ({@link QosState#normalizationBytes()}: an I/O of up to one unit counts 1, a larger
 * one its size in units rounded up) and a maximum bandwidth. Zero means "none" for each.
 *
 * @param type {@link Type#DEDICATED}: every volume on the policy gets the whole allowance; {@link Type#AGGREGATED}:
 *             the volumes on it share one allowance.
 */
public record QosPolicy(String name, Type type, long minIops, long maxIops, long maxBytesPerSecond)
    implements CisternSerializable
{
    public enum Type
    {
        DEDICATED,
        AGGREGATED;

        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The type a user typed ({@code dedicated}, {@code aggregated}), or null. */
        public static Type parse(final String text)
        {
            for (final Type type : values())
            {
                if (type.label().equalsIgnoreCase(text))
                {
                    return type;
                }
            }
            return null;
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** What is wrong with this policy as a user gave it, or null if nothing. */
    public String problem()
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            return "a policy name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit; got '" + name + "'";
        }
        if (type == null)
        {
            return "policy " + name + " needs a type: dedicated or aggregated";
        }
        if (minIops < 0 || maxIops < 0 || maxBytesPerSecond < 0)
        {
            return "policy " + name + ": limits are zero (none) or positive";
        }
        if (minIops == 0 && maxIops == 0 && maxBytesPerSecond == 0)
        {
            return "policy " + name + " limits nothing: give a minimum IOPS, a maximum IOPS or a maximum bandwidth";
        }
        if (maxIops > 0 && minIops > maxIops)
        {
            return "policy " + name + ": the minimum of " + minIops + " IOPS is above the maximum of " + maxIops;
        }
        return null;
    }

    /** The maximum IOPS, or {@link Double#POSITIVE_INFINITY} for none. */
    double iopsLimit()
    {
        return maxIops > 0 ? maxIops : Double.POSITIVE_INFINITY;
    }

    /** The maximum bytes per second, or {@link Double#POSITIVE_INFINITY} for none. */
    double bandwidthLimit()
    {
        return maxBytesPerSecond > 0 ? maxBytesPerSecond : Double.POSITIVE_INFINITY;
    }
}
