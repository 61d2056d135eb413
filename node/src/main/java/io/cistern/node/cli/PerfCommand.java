package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cistern perf volume|drive|node NAME} and {@code cistern perf cluster}: performance history, summed over
 * every node: IOPS, bytes per second and mean latency per interval (10 s for the last hour, 5 min for the
 * last day, 1 h for the last month).
 */
@Command(name = "perf", description = "Performance history of a volume, a drive, a node or the cluster, kept across restarts.",
    subcommands = {PerfCommand.Volume.class, PerfCommand.Drive.class, PerfCommand.Node.class, PerfCommand.Cluster.class})
final class PerfCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what: cistern perf volume NAME | drive ID | node NAME | cluster");
    }

    /** What every perf subcommand takes. */
    static final class Window
    {
        @Option(names = "--last", defaultValue = "10m", paramLabel = "WINDOW",
            description = "How far back: 90s, 10m, 1h, 1d, 30d (default: ${DEFAULT-VALUE}). Up to 1h in 10 s steps, up to 1d in 5 min, then 1 h.")
        String last;

        @Option(names = "--series", paramLabel = "NAMES", split = ",",
            description = "Which series (default: all): read.iops, write.iops, read.bytes, write.bytes, read.latency, write.latency, " +
                "checksum.errors.")
        List<String> series;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;
    }

    /** A subcommand about one named object: {@code perf KIND NAME}. Picocli reads the fields of the subclasses' parent. */
    abstract static class Named implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "The volume's or node's name, or the drive's id.")
        String name;
        @Mixin
        ClusterOptions cluster;
        @Mixin
        Window window;

        /** The API's word for the object. */
        abstract String kind();

        @Override
        public Integer call()
        {
            return print(cluster, window, "/api/v1/perf/" + kind() + "/" + encode(name));
        }
    }

    @Command(name = "volume", description = "A volume's I/O as its clients saw it, through every node.")
    static final class Volume extends Named
    {
        @Override
        String kind()
        {
            return "volume";
        }
    }

    @Command(name = "drive", description = "A drive's extent I/O, done by its node's data server.")
    static final class Drive extends Named
    {
        @Override
        String kind()
        {
            return "drive";
        }
    }

    @Command(name = "node", description = "The I/O a node's front ends served, over every volume.")
    static final class Node extends Named
    {
        @Override
        String kind()
        {
            return "node";
        }
    }

    @Command(name = "cluster", description = "The I/O every node's front ends served, summed.")
    static final class Cluster implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;
        @Mixin
        Window window;

        @Override
        public Integer call()
        {
            return print(cluster, window, "/api/v1/perf/cluster");
        }
    }

    private static String encode(final String part)
    {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int print(final ClusterOptions cluster, final Window window, final String path)
    {
        final String query = "?last=" + encode(window.last) + (window.series == null ? "" : "&series=" + encode(String.join(",", window.series)));
        final JsonNode document = cluster.document(path + query, window.json);
        if (document == null)
        {
            return 0;
        }
        final List<String> series = new ArrayList<>();
        document.path("series").forEach(s -> series.add(s.asText()));
        System.out.printf("%s, every %d s from %s to %s (nodes: %s%s)%n", document.path("object").asText(),
            document.path("resolutionSeconds").asInt(), document.path("from").asText(), document.path("to").asText(),
            String.join(", ", names(document.path("nodes"))),
            document.path("missing").isEmpty() ? "" : "; not answering: " + String.join(", ", names(document.path("missing"))));
        if (document.path("samples").isEmpty())
        {
            System.out.println("No samples in that window.");
            return 0;
        }
        final List<String> header = new ArrayList<>(List.of("TIME"));
        series.forEach(s -> header.add(s.toUpperCase(java.util.Locale.ROOT) + (s.endsWith("latency") ? " (us)" : s.endsWith("bytes") ? "/s" : "")));
        final Table table = new Table(header.toArray(new String[0]));
        for (final JsonNode sample : document.path("samples"))
        {
            final List<Object> row = new ArrayList<>(List.of(sample.path("time").asText()));
            for (final String s : series)
            {
                final double value = sample.path(s).asDouble();
                row.add(s.endsWith("bytes") ? ByteSize.format((long) value) : String.format("%.1f", value));
            }
            table.row(row.toArray());
        }
        table.print(System.out);
        return 0;
    }

    private static List<String> names(final JsonNode array)
    {
        final List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
