package io.cistern.node.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsExpositionTest
{
    private static String text(final MetricsRegistry metrics) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new MetricsExposition(metrics, "node-1").collect(), EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void volumeAndDriveFiguresAreCountersAndSummariesLabelledWithTheNode() throws Exception
    {
        final MetricsRegistry metrics = new MetricsRegistry();
        final VolumeMetrics vol = metrics.volume("vol1");
        vol.writes.add(3);
        vol.bytesWritten.add(3 * 4096);
        for (int i = 1; i <= 1000; i++)
        {
            vol.writeLatency.recordNanos(i * 1_000L); // 1 µs .. 1 ms
        }
        metrics.drive("d-1").ioErrors.increment();

        final String text = text(metrics);
        assertTrue(text.contains("# TYPE cistern_volume_writes_total counter"), text);
        assertTrue(text.contains("cistern_volume_writes_total{node=\"node-1\",volume=\"vol1\"} 3.0"), text);
        assertTrue(text.contains("cistern_volume_written_bytes_total{node=\"node-1\",volume=\"vol1\"} 12288.0"), text);
        assertTrue(text.contains("cistern_drive_io_errors_total{drive=\"d-1\",node=\"node-1\"} 1.0"), text);
        assertTrue(text.contains("# TYPE cistern_volume_write_latency_seconds summary"), text);
        assertTrue(text.contains("cistern_volume_write_latency_seconds_count{node=\"node-1\",volume=\"vol1\"} 1000"), text);
        // p50 of 1..1000 µs is 0.5 ms (two significant digits)
        assertTrue(text.matches("(?s).*cistern_volume_write_latency_seconds\\{node=\"node-1\",volume=\"vol1\",quantile=\"0\\.5\"} 5\\.0\\d*E-4.*"), text);
        assertTrue(text.contains("quantile=\"0.999\""), text);
    }

    @Test
    void aNodeWithNoVolumesYetHasNoEmptyFamilies() throws Exception
    {
        assertFalse(text(new MetricsRegistry()).contains("cistern_volume"));
    }
}
