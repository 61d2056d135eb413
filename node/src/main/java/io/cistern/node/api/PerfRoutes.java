package io.cistern.node.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cistern.actors.node.NodeGuardian;
import io.cistern.actors.perf.Perf;
import io.cistern.node.perf.PerfSeries;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/v1/perf}: performance history, {@code /cluster}, {@code /node/NAME}, {@code /volume/NAME} and
 * {@code /drive/ID}, with {@code ?last=1h} (up to 30d; the resolution follows: 10 s up to an hour, 5 min up to a
 * day, 1 h beyond) and {@code ?series=read.iops,write.latency}. Every node's recorder is asked and the answers
 * summed ({@link PerfSeries}); a node that does not answer in time is named in {@code "missing"}.
 */
final class PerfRoutes extends AllDirectives
{
    private static final Duration ASK = Duration.ofSeconds(3);

    private final ActorSystem<NodeGuardian.Command> system;
    private final ObjectMapper json;

    PerfRoutes(final ActorSystem<NodeGuardian.Command> system, final ObjectMapper json)
    {
        this.system = system;
        this.json = json;
    }

    Route routes()
    {
        return pathPrefix("perf", () -> concat(
            path("cluster", () -> get(() -> query("node/*", "cluster"))),
            pathPrefix(kind -> path(name -> get(() -> kind.equals("volume") || kind.equals("drive") || kind.equals("node")
                ? query(kind + "/" + name, kind + "/" + name)
                : complete(StatusCodes.NOT_FOUND, Map.of("error", "no history of '" + kind + "'; ask for /api/v1/perf/cluster, " +
                    "/node/NAME, /volume/NAME or /drive/ID"), Jackson.marshaller(json)))))));
    }

    private Route query(final String object, final String named)
    {
        return parameterOptional("last", last -> parameterOptional("series", series ->
        {
            final Duration window;
            final List<String> asked;
            try
            {
                window = window(last.orElse("1h"));
                asked = PerfSeries.parse(series.orElse(null));
            }
            catch (final IllegalArgumentException ex)
            {
                return complete(StatusCodes.BAD_REQUEST, Map.of("error", ex.getMessage()), Jackson.marshaller(json));
            }
            final long to = Instant.now().getEpochSecond();
            final long from = to - window.getSeconds();
            final int resolution = PerfSeries.resolutionFor(window);
            return onSuccess(histories(object, from, to, resolution), answered ->
            {
                final Map<String, Object> document = new LinkedHashMap<>();
                document.put("object", named);
                document.put("resolutionSeconds", resolution);
                document.put("from", Instant.ofEpochSecond(from).toString());
                document.put("to", Instant.ofEpochSecond(to).toString());
                document.put("nodes", answered.nodes());
                document.put("missing", answered.missing());
                document.put("series", asked);
                final List<Map<String, Object>> samples = new ArrayList<>();
                final TreeMap<Long, Map<String, Double>> combined = PerfSeries.combine(answered.histories(), asked);
                combined.forEach((time, values) ->
                {
                    final Map<String, Object> sample = new LinkedHashMap<>();
                    sample.put("time", Instant.ofEpochSecond(time).toString());
                    sample.putAll(values);
                    samples.add(sample);
                });
                document.put("samples", samples);
                return completeOK(document, Jackson.marshaller(json));
            });
        }));
    }

    /** What every recorder answered, and which did not. */
    private record Answered(List<Perf.History> histories, List<String> nodes, List<String> missing)
    {
    }

    private CompletionStage<Answered> histories(final String object, final long from, final long to, final int resolution)
    {
        return Perf.<Perf.History>askEvery(system, replyTo -> new Perf.Query(object, from, to, resolution, replyTo), ASK)
            .thenApply(answers ->
            {
                final List<Perf.History> histories = new ArrayList<>();
                final List<String> nodes = new ArrayList<>();
                final List<String> missing = new ArrayList<>();
                for (final Perf.Answer<Perf.History> answer : answers)
                {
                    if (answer.answer() == null)
                    {
                        missing.add(answer.recorder().path().address().toString());
                    }
                    else
                    {
                        histories.add(answer.answer());
                        nodes.add(answer.answer().node());
                    }
                }
                nodes.sort(String::compareTo);
                return new Answered(histories, nodes, missing);
            });
    }

    /** "90s", "10m", "1h", "7d": at most what the coarsest tier keeps. */
    static Duration window(final String text)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,7})([smhd])").matcher(text.trim());
        if (!m.matches())
        {
            throw new IllegalArgumentException("last=" + text + ": a window is a number and a unit, s, m, h or d (e.g. 1h, 30d)");
        }
        final long amount = Long.parseLong(m.group(1));
        final Duration window = switch (m.group(2))
        {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (window.isZero() || window.compareTo(PerfSeries.longest()) > 0)
        {
            throw new IllegalArgumentException("last=" + text + ": the history keeps up to " + PerfSeries.longest().toDays() + "d");
        }
        return window;
    }
}
