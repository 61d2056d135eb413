package io.cistern.node.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * This node's {@link MetricsRegistry} in Prometheus's model, read at each scrape: one family per figure,
 * a data point per volume or drive, labelled with the node, so a cluster-wide sum is
 * {@code sum by (volume) (...)} over every node's {@code /metrics}. Counters end in {@code _total},
 * latencies are summaries in seconds (p50, p99, p99.9 from the HdrHistogram, with count and sum). The
 * text itself is the Prometheus client's ({@code PrometheusTextFormatWriter}). "Add a metric": a field in
 * {@link VolumeMetrics} or {@link DriveMetrics}, and one line here.
 */
public final class MetricsExposition implements MultiCollector
{
    private static final double[] QUANTILES = {0.5, 0.99, 0.999};

    private final MetricsRegistry metrics;
    private final String node;

    public MetricsExposition(final MetricsRegistry metrics, final String node)
    {
        this.metrics = metrics;
        this.node = node;
    }

    @Override
    public MetricSnapshots collect()
    {
        final List<MetricSnapshot> out = new ArrayList<>();
        final Map<String, VolumeMetrics> volumes = metrics.volumes();
        final Family<VolumeMetrics> volume = new Family<>(out, "volume", volumes);
        volume.counter("cistern_volume_reads", "Read requests this node's front ends served for the volume", v -> v.reads.sum());
        volume.counter("cistern_volume_writes", "Write requests this node's front ends served for the volume", v -> v.writes.sum());
        volume.counter("cistern_volume_flushes", "Flush requests this node's front ends served for the volume", v -> v.flushes.sum());
        volume.counter("cistern_volume_read_bytes", "Bytes read by clients of the volume through this node", v -> v.bytesRead.sum());
        volume.counter("cistern_volume_written_bytes", "Bytes written by clients of the volume through this node", v -> v.bytesWritten.sum());
        volume.counter("cistern_volume_failed_requests", "Requests answered with an error", v -> v.failedRequests.sum());
        volume.counter("cistern_volume_direct_reads", "Reads served from an extent file on this node, without a data-plane round trip",
            v -> v.directReads.sum());
        volume.counter("cistern_volume_checksum_failures", "Reads that met a copy failing its checksum", v -> v.checksumFailures.sum());
        volume.counter("cistern_volume_heals", "Ranges rewritten on a bad copy from a good one", v -> v.healedRanges.sum());
        volume.counter("cistern_volume_epoch_refusals", "Requests a data server refused for a stale layout epoch, then retried",
            v -> v.staleLayouts.sum());
        volume.counter("cistern_volume_degraded_writes", "Copies marked stale because they missed a write or a flush", v -> v.staleMarks.sum());
        volume.counter("cistern_volume_quorum_retries", "Writes sent again because too many copies missed them", v -> v.quorumRetries.sum());
        volume.counter("cistern_volume_qos_normalized_ios", "Storage QoS: normalised I/Os let through for the volume on this node",
            v -> v.qosNormalizedIos.sum());
        volume.counter("cistern_volume_qos_throttled_seconds", "Storage QoS: time the volume's requests waited for its allowance on this node",
            v -> v.qosThrottledNanos.sum() / 1e9);
        volume.gauge("cistern_volume_qos_limit_iops", "Storage QoS: this node's share of the volume's IOPS allowance now (0: none)",
            v -> v.qosLimitIops.get());
        volume.latency("cistern_volume_read_latency_seconds", "Read latency as the volume's clients saw it through this node", v -> v.readLatency);
        volume.latency("cistern_volume_write_latency_seconds", "Write latency as the volume's clients saw it through this node", v -> v.writeLatency);
        volume.latency("cistern_volume_flush_latency_seconds", "Flush latency as the volume's clients saw it through this node", v -> v.flushLatency);

        final Family<DriveMetrics> drive = new Family<>(out, "drive", metrics.drives());
        drive.counter("cistern_drive_reads", "Extent reads this node's data server did on the drive", d -> d.reads.sum());
        drive.counter("cistern_drive_writes", "Extent writes this node's data server did on the drive", d -> d.writes.sum());
        drive.counter("cistern_drive_read_bytes", "Bytes read from the drive", d -> d.bytesRead.sum());
        drive.counter("cistern_drive_written_bytes", "Bytes written to the drive", d -> d.bytesWritten.sum());
        drive.counter("cistern_drive_checksum_failures", "Blocks on the drive that failed their checksum when read", d -> d.checksumFailures.sum());
        drive.counter("cistern_drive_io_errors", "I/O the drive failed", d -> d.ioErrors.sum());
        drive.latency("cistern_drive_read_latency_seconds", "Extent read latency on the drive", d -> d.readLatency);
        drive.latency("cistern_drive_write_latency_seconds", "Extent write latency on the drive", d -> d.writeLatency);
        return new MetricSnapshots(out);
    }

    /** The families of one kind of object (volumes, drives), each object a data point labelled with its name. */
    private final class Family<T>
    {
        private final List<MetricSnapshot> out;
        private final String label;
        private final Map<String, T> objects;

        Family(final List<MetricSnapshot> out, final String label, final Map<String, T> objects)
        {
            this.out = out;
            this.label = label;
            this.objects = objects;
        }

        private Labels labels(final String name)
        {
            return Labels.of("node", node, label, name);
        }

        void counter(final String name, final String help, final ToDoubleFunction<T> value)
        {
            if (objects.isEmpty())
            {
                return;
            }
            final CounterSnapshot.Builder family = CounterSnapshot.builder().name(name).help(help);
            objects.forEach((object, figures) -> family.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(labels(object)).value(value.applyAsDouble(figures)).build()));
            out.add(family.build());
        }

        void gauge(final String name, final String help, final ToDoubleFunction<T> value)
        {
            if (objects.isEmpty())
            {
                return;
            }
            final GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(name).help(help);
            objects.forEach((object, figures) -> family.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels(object)).value(value.applyAsDouble(figures)).build()));
            out.add(family.build());
        }

        void latency(final String name, final String help, final Function<T, Latency> latency)
        {
            if (objects.isEmpty())
            {
                return;
            }
            final SummarySnapshot.Builder family = SummarySnapshot.builder().name(name).help(help);
            objects.forEach((object, figures) ->
            {
                final Histogram histogram = latency.apply(figures).snapshot();
                final List<Quantile> quantiles = new ArrayList<>();
                for (final double q : QUANTILES)
                {
                    quantiles.add(new Quantile(q, histogram.getTotalCount() == 0 ? Double.NaN
                        : histogram.getValueAtPercentile(q * 100) / 1e6));
                }
                family.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                    .labels(labels(object))
                    .quantiles(Quantiles.of(quantiles))
                    .count(histogram.getTotalCount())
                    .sum(histogram.getMean() * histogram.getTotalCount() / 1e6)
                    .build());
            });
            out.add(family.build());
        }
    }
}
