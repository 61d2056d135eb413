package io.cistern.node.perf;

import io.cistern.actors.perf.Perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a performance query answers, from every node's history of the object: the nodes' samples of an
 * interval are summed (a volume served through two nodes did the I/O of both), and latency is the summed
 * latency over the summed operations. Pure, tested directly.
 */
public final class PerfSeries
{
    /** What a query may ask for, in the order answers list them: rates per second, latency in microseconds. */
    public static final List<String> NAMES = List.of("read.iops", "write.iops", "read.bytes", "write.bytes", "read.latency",
        "write.latency", "checksum.errors");

    private PerfSeries()
    {
    }

    /** The resolution for a window: the finest tier that holds all of it. */
    public static int resolutionFor(final Duration last)
    {
        for (final PerfArchive.Tier tier : PerfArchive.TIERS)
        {
            if (last.getSeconds() <= (long) tier.seconds() * tier.slots())
            {
                return tier.seconds();
            }
        }
        return PerfArchive.TIERS.get(PerfArchive.TIERS.size() - 1).seconds();
    }

    /** The longest window a query may ask for: what the coarsest tier keeps. */
    public static Duration longest()
    {
        final PerfArchive.Tier last = PerfArchive.TIERS.get(PerfArchive.TIERS.size() - 1);
        return Duration.ofSeconds((long) last.seconds() * last.slots());
    }

    /**
     * The answer: per interval start (epoch seconds), each asked series' value.
     *
     * @param asked names from {@link #NAMES}.
     */
    public static TreeMap<Long, Map<String, Double>> combine(final List<Perf.History> histories, final List<String> asked)
    {
        final TreeMap<Long, double[]> sums = new TreeMap<>();
        for (final Perf.History history : histories)
        {
            for (final Perf.Point point : history.points())
            {
                final double[] sum = sums.computeIfAbsent(point.epochSecond(), t -> new double[PerfSampler.STORED.size()]);
                for (int s = 0; s < sum.length && s < point.values().size(); s++)
                {
                    sum[s] += point.values().get(s);
                }
            }
        }
        final TreeMap<Long, Map<String, Double>> answer = new TreeMap<>();
        sums.forEach((time, sum) ->
        {
            final Map<String, Double> values = new LinkedHashMap<>();
            for (final String name : asked)
            {
                values.put(name, value(name, sum));
            }
            answer.put(time, values);
        });
        return answer;
    }

    private static double value(final String name, final double[] sum)
    {
        final int stored = PerfSampler.STORED.indexOf(name);
        if (stored >= 0)
        {
            return sum[stored];
        }
        final int latency = PerfSampler.STORED.indexOf(name + ".sum");
        final double operations = sum[PerfSampler.LATENCY_OF[latency]];
        return operations == 0 ? 0 : sum[latency] / operations;
    }

    /** The asked series from a comma-separated list (null: all), or the reason it is not one. */
    public static List<String> parse(final String series)
    {
        if (series == null || series.isBlank())
        {
            return NAMES;
        }
        final List<String> asked = new ArrayList<>();
        for (final String name : series.split(","))
        {
            if (!NAMES.contains(name.trim()))
            {
                throw new IllegalArgumentException("no series '" + name.trim() + "'; the series are " + String.join(", ", NAMES));
            }
            asked.add(name.trim());
        }
        return asked;
    }
}
