package io.cistern.node.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A node's Prometheus registry, reached from the HTTP routes (which Pekko Management builds with nothing
 * but the actor system): the JVM's own metrics from the start, and Cistern's once the data plane registers
 * its {@link MetricsExposition}. One registry per node process.
 */
public final class MetricsExtension implements Extension
{
    public static final ExtensionId<MetricsExtension> ID = new ExtensionId<>()
    {
        @Override
        public MetricsExtension createExtension(final ActorSystem<?> system)
        {
            return new MetricsExtension();
        }
    };

    /** What Prometheus's text format is served as. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private MetricsExtension()
    {
        JvmMetrics.builder().register(registry);
    }

    public static MetricsExtension get(final ActorSystem<?> system)
    {
        return system.registerExtension(ID);
    }

    public void register(final MultiCollector collector)
    {
        registry.register(collector);
    }

    /** Everything registered, in Prometheus's text format, as of now. */
    public byte[] scrape()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try
        {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
