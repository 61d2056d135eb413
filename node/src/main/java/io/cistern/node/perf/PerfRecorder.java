package io.cistern.node.perf;

import io.cistern.actors.perf.Perf;
import io.cistern.node.metrics.DriveMetrics;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.node.metrics.VolumeMetrics;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * A node's performance history: every 10 s it samples what this node's front ends did per volume, what its
 * data server did per drive, and the node's sum, into one {@link PerfArchive} per object under
 * {@code DATA-DIR/perf}, where the history outlives the process; and it answers {@link Perf.Query}s from
 * any node's API, which sums every node's answers into the cluster's series.
 */
public final class PerfRecorder
{
    /** The finest resolution, and so how often the recorder samples. */
    public static final Duration INTERVAL = Duration.ofSeconds(PerfArchive.TIERS.get(0).seconds());

    private enum Tick implements Perf.Command
    {
        INSTANCE
    }

    private final ActorContext<Perf.Command> context;
    private final MetricsRegistry metrics;
    private final String node;
    private final Path dir;
    private final Map<String, PerfArchive> archives = new HashMap<>();
    private final Map<String, PerfSampler.Counters> last = new HashMap<>();
    private long lastNanos = System.nanoTime();

    private PerfRecorder(final ActorContext<Perf.Command> context, final MetricsRegistry metrics, final String node, final Path dir)
    {
        this.context = context;
        this.metrics = metrics;
        this.node = node;
        this.dir = dir;
    }

    /** @param dir where the archives live (the node's data folder's {@code perf}). */
    public static Behavior<Perf.Command> create(final MetricsRegistry metrics, final String node, final Path dir)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            context.getSystem().receptionist().tell(Receptionist.register(Perf.KEY, context.getSelf()));
            timers.startTimerWithFixedDelay(Tick.INSTANCE, INTERVAL);
            final PerfRecorder recorder = new PerfRecorder(context, metrics, node, dir);
            recorder.sample(); // the counters' first reading: rates start from here
            return recorder.behavior();
        }));
    }

    private Behavior<Perf.Command> behavior()
    {
        return Behaviors.receive(Perf.Command.class)
            .onMessageEquals(Tick.INSTANCE, () ->
            {
                sample();
                return Behaviors.same();
            })
            .onMessage(Perf.Query.class, query ->
            {
                query.replyTo().tell(history(query));
                return Behaviors.same();
            })
            .onMessage(Perf.GetDriveSummaries.class, get ->
            {
                get.replyTo().tell(driveSummaries(get.fromSecond(), get.toSecond()));
                return Behaviors.same();
            })
            .onSignal(PostStop.class, stop ->
            {
                archives.values().forEach(this::close);
                return Behaviors.same();
            })
            .build();
    }

    /** Reads every object's counters and records the rates since the last reading. */
    private void sample()
    {
        final long now = System.nanoTime();
        final double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        final long epochSecond = System.currentTimeMillis() / 1000;
        final boolean first = last.isEmpty();
        lastNanos = now;
        PerfSampler.Counters sum = PerfSampler.Counters.ZERO;
        for (final Map.Entry<String, VolumeMetrics> volume : metrics.volumes().entrySet())
        {
            final PerfSampler.Counters counters = PerfSampler.of(volume.getValue());
            sum = sum.plus(counters);
            record("volume/" + volume.getKey(), counters, seconds, epochSecond, first);
        }
        for (final Map.Entry<String, DriveMetrics> drive : metrics.drives().entrySet())
        {
            record("drive/" + drive.getKey(), PerfSampler.of(drive.getValue()), seconds, epochSecond, first);
        }
        record("node/" + node, sum, seconds, epochSecond, first);
    }

    private void record(final String object, final PerfSampler.Counters counters, final double seconds, final long epochSecond,
                        final boolean first)
    {
        final PerfSampler.Counters before = last.put(object, counters);
        if (first)
        {
            return; // nothing to take a rate against yet
        }
        final PerfArchive archive = archive(object, true);
        if (archive != null)
        {
            archive.record(epochSecond, PerfSampler.rates(before == null ? PerfSampler.Counters.ZERO : before, counters, seconds));
        }
    }

    private Perf.History history(final Perf.Query query)
    {
        final String object = query.object().equals("node/*") ? "node/" + node : query.object();
        final PerfArchive archive = archive(object, false);
        final ArrayList<Perf.Point> points = new ArrayList<>();
        if (archive != null)
        {
            final PerfArchive.Tier tier = PerfArchive.TIERS.stream().filter(t -> t.seconds() == query.resolution()).findFirst()
                .orElse(PerfArchive.TIERS.get(0));
            for (final PerfArchive.Point point : archive.read(tier, query.fromSecond(), query.toSecond()))
            {
                final ArrayList<Double> values = new ArrayList<>(point.values().length);
                for (final double value : point.values())
                {
                    values.add(value);
                }
                points.add(new Perf.Point(point.epochSecond(), values));
            }
        }
        return new Perf.History(node, object, new ArrayList<>(PerfSampler.STORED), points);
    }

    /** Each of this node's drives over the window, from its 10 s samples. */
    private Perf.DriveSummaries driveSummaries(final long fromSecond, final long toSecond)
    {
        final PerfArchive.Tier tier = PerfArchive.TIERS.get(0);
        final java.util.ArrayList<Perf.DriveSummary> drives = new java.util.ArrayList<>();
        for (final String driveId : metrics.drives().keySet())
        {
            final PerfArchive archive = archive("drive/" + driveId, false);
            if (archive == null)
            {
                continue;
            }
            double operations = 0;
            double latency = 0;
            double checksum = 0;
            for (final PerfArchive.Point point : archive.read(tier, fromSecond, toSecond))
            {
                final double[] v = point.values();
                operations += (v[PerfSampler.READS] + v[PerfSampler.WRITES]) * tier.seconds();
                latency += (v[PerfSampler.READ_LATENCY] + v[PerfSampler.WRITE_LATENCY]) * tier.seconds();
                checksum += v[PerfSampler.CHECKSUM_ERRORS] * tier.seconds();
            }
            drives.add(new Perf.DriveSummary(driveId, operations, operations == 0 ? 0 : latency / operations, Math.round(checksum)));
        }
        return new Perf.DriveSummaries(node, drives);
    }

    /** The object's archive: opened from its file (kept since an earlier run), or made if {@code make}. */
    private PerfArchive archive(final String object, final boolean make)
    {
        final PerfArchive open = archives.get(object);
        if (open != null)
        {
            return open;
        }
        final Path file = dir.resolve(fileName(object));
        if (!make && !Files.exists(file))
        {
            return null;
        }
        try
        {
            final PerfArchive archive = PerfArchive.open(file, PerfSampler.STORED);
            archives.put(object, archive);
            return archive;
        }
        catch (final IOException ex)
        {
            context.getLog().warn("Performance history of {} in {} is not kept: {}", object, file, ex.toString());
            return null;
        }
    }

    /** {@code volume/vol1} is {@code volume-vol1.perf}; anything but letters, digits, '.', '_' and '-' becomes '_'. */
    static String fileName(final String object)
    {
        return object.replace('/', '-').replaceAll("[^A-Za-z0-9._-]", "_") + ".perf";
    }

    private void close(final PerfArchive archive)
    {
        try
        {
            archive.close();
        }
        catch (final IOException ex)
        {
            context.getLog().warn("Closing {}: {}", archive.file(), ex.toString());
        }
    }
}
