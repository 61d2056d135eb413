package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code cistern qos}: Storage QoS policies (minimum and maximum normalised IOPS, maximum bandwidth;
 * dedicated to each volume or aggregated over all of a policy's), which volume is on which, and what
 * each volume gets through every node together.
 */
@Command(name = "qos", description = "Storage QoS: policies that keep busy volumes in check and guarantee minimums.",
    subcommands = {QosCommand.Create.class, QosCommand.Set.class, QosCommand.Assign.class, QosCommand.Unassign.class,
        QosCommand.ListQos.class, QosCommand.Delete.class, QosCommand.Normalization.class})
final class QosCommand implements Runnable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "name a subcommand: create, set, assign, unassign, list, delete, normalization");
    }

    private static String encode(final String name)
    {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static long bytes(final String option, final String text)
    {
        try
        {
            return ByteSize.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException.Usage(option + "=" + text + ": " + ex.getMessage());
        }
    }

    private static String limit(final long value, final String unit)
    {
        return value == 0 ? "-" : value + unit;
    }

    private static void printPolicy(final JsonNode p)
    {
        System.out.printf("QoS policy %s: %s, minimum %s, maximum %s, bandwidth %s; volumes: %s%n", p.path("name").asText(),
            p.path("type").asText(), limit(p.path("minIops").asLong(), " IOPS"), limit(p.path("maxIops").asLong(), " IOPS"),
            p.path("maxBandwidth").asLong() == 0 ? "-" : ByteSize.format(p.path("maxBandwidth").asLong()) + "/s",
            p.path("volumes").isEmpty() ? "none" : String.join(", ", JSON.convertValue(p.path("volumes"), String[].class)));
    }

    /** The limits a policy is made or changed with. */
    static final class Limits
    {
        @Option(names = "--min-iops", description = "Normalised IOPS kept for it under contention (0: none).")
        Long minIops;

        @Option(names = "--max-iops", description = "Most normalised IOPS, through every node together (0: none).")
        Long maxIops;

        @Option(names = "--max-bandwidth", description = "Most bytes per second, binary units (e.g. 100M; 0: none).")
        String maxBandwidth;

        void into(final ObjectNode body)
        {
            if (minIops != null)
            {
                body.put("minIops", minIops);
            }
            if (maxIops != null)
            {
                body.put("maxIops", maxIops);
            }
            if (maxBandwidth != null)
            {
                body.put("maxBandwidth", bytes("--max-bandwidth", maxBandwidth));
            }
        }
    }

    @Command(name = "create", description = "Create a QoS policy.")
    static final class Create implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "The policy's name.")
        String name;

        @Option(names = "--type", defaultValue = "dedicated",
            description = "dedicated (each volume on it gets the whole allowance) or aggregated (its volumes share one) (default: ${DEFAULT-VALUE}).")
        String type;

        @Mixin
        Limits limits;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final ObjectNode body = JSON.createObjectNode().put("name", name).put("type", type);
            limits.into(body);
            final JsonNode created = cluster.call("POST", "/api/v1/qos", body.toString(), json);
            if (created != null)
            {
                System.out.print("Created ");
                printPolicy(created);
            }
            return 0;
        }
    }

    @Command(name = "set", description = "Change a QoS policy's limits; its volumes get them at once.")
    static final class Set implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "The policy's name.")
        String name;

        @Mixin
        Limits limits;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final ObjectNode body = JSON.createObjectNode();
            limits.into(body);
            if (body.isEmpty())
            {
                throw new CliException.Usage("give at least one of --min-iops, --max-iops, --max-bandwidth");
            }
            final JsonNode changed = cluster.call("PUT", "/api/v1/qos/" + encode(name), body.toString(), json);
            if (changed != null)
            {
                System.out.print("Changed ");
                printPolicy(changed);
            }
            return 0;
        }
    }

    @Command(name = "assign", description = "Put a volume on a QoS policy (off the one it was on).")
    static final class Assign implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "VOLUME", description = "The volume.")
        String volume;

        @Parameters(index = "1", paramLabel = "POLICY", description = "The policy.")
        String policy;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            cluster.call("PUT", "/api/v1/volumes/" + encode(volume) + "/qos",
                JSON.createObjectNode().put("policy", policy).toString(), false);
            System.out.printf("Volume %s is on QoS policy %s%n", volume, policy);
            return 0;
        }
    }

    @Command(name = "unassign", description = "Take a volume off its QoS policy.")
    static final class Unassign implements Callable<Integer>
    {
        @Parameters(paramLabel = "VOLUME", description = "The volume.")
        String volume;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            cluster.call("DELETE", "/api/v1/volumes/" + encode(volume) + "/qos", null, false);
            System.out.printf("Volume %s is on no QoS policy%n", volume);
            return 0;
        }
    }

    @Command(name = "list", description = "List the policies, and what each volume gets now through every node together.")
    static final class ListQos implements Callable<Integer>
    {
        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final JsonNode qos = cluster.document("/api/v1/qos", json);
            if (qos == null)
            {
                return 0;
            }
            System.out.printf("Normalisation: an I/O of up to %s counts 1 (larger ones their size in these units)%n%n",
                ByteSize.format(qos.path("normalizationSize").asLong()));
            if (qos.path("policies").isEmpty())
            {
                System.out.println("No QoS policies.");
            }
            else
            {
                final Table policies = new Table("POLICY", "TYPE", "MIN IOPS", "MAX IOPS", "MAX BANDWIDTH", "VOLUMES");
                for (final JsonNode p : qos.path("policies"))
                {
                    policies.row(p.path("name").asText(), p.path("type").asText(), limit(p.path("minIops").asLong(), ""),
                        limit(p.path("maxIops").asLong(), ""),
                        p.path("maxBandwidth").asLong() == 0 ? "-" : ByteSize.format(p.path("maxBandwidth").asLong()) + "/s",
                        String.valueOf(p.path("volumes").size()));
                }
                policies.print(System.out);
            }
            if (!qos.path("volumes").isEmpty())
            {
                System.out.println();
                final Table volumes = new Table("VOLUME", "POLICY", "NORMALIZED IOPS", "BANDWIDTH", "LIMIT IOPS", "THROTTLED",
                    "MINIMUM");
                for (final JsonNode v : qos.path("volumes"))
                {
                    volumes.row(v.path("volume").asText(), v.path("policy").asText().isEmpty() ? "-" : v.path("policy").asText(),
                        v.path("normalizedIops").asText(), ByteSize.format(v.path("bytesPerSecond").asLong()) + "/s",
                        limit(v.path("limitIops").asLong(), ""),
                        String.format(java.util.Locale.ROOT, "%.1f s", v.path("throttledSeconds").asDouble()),
                        v.path("minimumMet").asBoolean() ? "met" : "NOT MET");
                }
                volumes.print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a QoS policy no volume is on.")
    static final class Delete implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "The policy's name.")
        String name;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            cluster.call("DELETE", "/api/v1/qos/" + encode(name), null, false);
            System.out.printf("Deleted QoS policy %s%n", name);
            return 0;
        }
    }

    @Command(name = "normalization", description = "Set the size an I/O counts as one normalised I/O up to, cluster-wide (default 8K).")
    static final class Normalization implements Callable<Integer>
    {
        @Parameters(paramLabel = "SIZE", description = "512 bytes to 1M, a multiple of 512 (e.g. 8K).")
        String size;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            cluster.call("PUT", "/api/v1/qos", JSON.createObjectNode().put("normalizationSize", bytes("SIZE", size)).toString(), false);
            System.out.printf("An I/O of up to %s now counts as one normalised I/O%n", ByteSize.format(bytes("SIZE", size)));
            return 0;
        }
    }
}
