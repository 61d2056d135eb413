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
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code cistern volume create|list|show|resize|delete}: volumes of the pool, over the HTTP API. */
@Command(name = "volume", description = "Volumes of the pool.",
    subcommands = {VolumeCommand.Create.class, VolumeCommand.ListVolumes.class, VolumeCommand.Show.class,
        VolumeCommand.Resize.class, VolumeCommand.Delete.class, VolumeCommand.Attachments.class})
final class VolumeCommand implements Runnable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, list, show, resize, delete");
    }

    private static String path(final String name)
    {
        return "/api/v1/volumes/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static long size(final String text)
    {
        try
        {
            return ByteSize.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException.Usage("--size=" + text + ": " + ex.getMessage());
        }
    }

    private static void printSummary(final JsonNode v)
    {
        System.out.printf("Volume %s (id %s): %s, %s, %s provisioning, %d slab(s) of %s%n", v.path("name").asText(),
            v.path("id").asText(), v.path("size").asText(), v.path("resiliency").asText(), v.path("provisioning").asText(),
            v.path("slabCount").asInt(), ByteSize.format(v.path("slabSizeBytes").asLong()));
    }

    @Command(name = "create", description = "Create a volume out of the pool.")
    static final class Create implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "Volume name; also its NBD export name.")
        String name;

        @Option(names = "--size", required = true, description = "Size, binary units (e.g. 10G).")
        String size;

        @Option(names = "--resiliency", defaultValue = "mirror-2", description = "mirror-2 or mirror-3 (default: ${DEFAULT-VALUE}).")
        String resiliency;

        @Option(names = "--provisioning", defaultValue = "thin",
            description = "thin (extents at first write) or fixed (all at creation) (default: ${DEFAULT-VALUE}).")
        String provisioning;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final ObjectNode body = JSON.createObjectNode()
                .put("name", name).put("size", size(size)).put("resiliency", resiliency).put("provisioning", provisioning);
            JsonNode created;
            try
            {
                created = cluster.call("POST", "/api/v1/volumes", body.toString(), json);
            }
            catch (final CliException.TimedOut slow)
            {
                // The cluster goes on creating it (a big fixed volume, or a node just lost): follow it
                // instead of reporting a failure that is not one.
                System.out.printf("%s; the cluster is still at it, following volume %s:%n", slow.getMessage(), name);
                created = follow(cluster, name, body.toString());
                if (json)
                {
                    System.out.println(created.toPrettyString());
                    return 0;
                }
            }
            if (created != null)
            {
                System.out.print("Created ");
                printSummary(created);
            }
            return 0;
        }
    }

    /** How long a followed volume may show no progress before the CLI gives up following it. */
    private static final Duration FOLLOW_PATIENCE = Duration.ofSeconds(90);
    /** How long a followed creation may show no volume at all before the CLI sends its request again. */
    private static final Duration RESEND_AFTER = Duration.ofSeconds(15);

    /**
     * Polls a volume being created until it exists and, if fixed, has every slab placed, printing the
     * placement's progress; gives up only after {@link #FOLLOW_PATIENCE} without progress.
     */
    static JsonNode follow(final ClusterOptions cluster, final String name, final String createBody)
    {
        long lastProgressAt = System.nanoTime();
        long lastSentAt = System.nanoTime();
        int lastPlaced = -1;
        while (true)
        {
            JsonNode volume = null;
            try
            {
                volume = cluster.call("GET", "/api/v1/volumes/" + name + "?slabs=none", null, false);
            }
            catch (final CliException notYet)
            {
                // not there yet (404), or this poll timed out: try again
            }
            if (volume == null && System.nanoTime() - lastSentAt > RESEND_AFTER.toNanos())
            {
                // Still no volume: the request may have been lost with a node (its entity's shard moving), so
                // it is sent again. A volume that came into being meanwhile answers "already exists".
                lastSentAt = System.nanoTime();
                try
                {
                    return cluster.call("POST", "/api/v1/volumes", createBody, false);
                }
                catch (final CliException.TimedOut slow)
                {
                    // still at it
                }
                catch (final CliException refused)
                {
                    if (!refused.getMessage().contains("already exists"))
                    {
                        throw refused;
                    }
                }
            }
            if (volume != null)
            {
                final int slabs = volume.path("slabCount").asInt();
                final int placed = volume.path("detail").path("slabsPlaced").asInt();
                final boolean fixed = "fixed".equalsIgnoreCase(volume.path("provisioning").asText());
                if (!fixed || placed >= slabs)
                {
                    return volume;
                }
                if (placed != lastPlaced)
                {
                    System.out.printf("  placed %,d of %,d slabs%n", placed, slabs);
                    lastPlaced = placed;
                    lastProgressAt = System.nanoTime();
                }
            }
            if (System.nanoTime() - lastProgressAt > FOLLOW_PATIENCE.toNanos())
            {
                throw new CliException("volume " + name + " made no progress for " + FOLLOW_PATIENCE.toSeconds() +
                    " s; the cluster may still finish it: cistern volume show " + name);
            }
            try
            {
                Thread.sleep(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
        }
    }

    @Command(name = "list", description = "List volumes.")
    static final class ListVolumes implements Callable<Integer>
    {
        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final JsonNode list = cluster.document("/api/v1/volumes", json);
            if (list == null)
            {
                return 0;
            }
            final Table table = new Table("NAME", "SIZE", "RESILIENCY", "PROVISIONING", "SLABS", "ATTACHED", "ID");
            for (final JsonNode v : list.path("volumes"))
            {
                table.row(v.path("name").asText(), v.path("size").asText(), v.path("resiliency").asText(),
                    v.path("provisioning").asText(), v.path("slabCount").asInt(), v.path("attachments").size(), v.path("id").asText());
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "show", description = "Show a volume: size, resiliency, footprint, slabs by state, where extents live.")
    static final class Show implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final JsonNode v = cluster.document(path(name), json);
            if (v == null)
            {
                return 0;
            }
            printSummary(v);
            final JsonNode d = v.path("detail");
            System.out.printf("  health     %s%s%n", d.path("health").asText(),
                d.path("healthReason").asText().isEmpty() ? "" : ": " + d.path("healthReason").asText());
            System.out.printf("  footprint  %s in the pool%n", d.path("footprint").asText());
            System.out.printf("  slabs      %d placed, %d not yet written%n", d.path("slabsPlaced").asInt(), d.path("slabsUnplaced").asInt());
            System.out.printf("  extents    %s%n", counts(d.path("extentsByState")));
            System.out.printf("  on nodes   %s%n", counts(d.path("extentsByNode")));
            System.out.printf("  attached   %s%n", v.path("attachments").size() == 0 ? "-" : v.path("attachments").toString());
            return 0;
        }

        private static String counts(final JsonNode counts)
        {
            final StringBuilder text = new StringBuilder();
            counts.fields().forEachRemaining(e -> text.append(text.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                .append(e.getValue().asInt()));
            return text.length() == 0 ? "-" : text.toString();
        }
    }

    @Command(name = "attachments", description = "Who has a volume open, through which node and protocol, and its " +
        "persistent reservations (iSCSI): each initiator's registration key and who holds the reservation.")
    static final class Attachments implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final JsonNode a = cluster.document(path(name) + "/attachments", json);
            if (a == null)
            {
                return 0;
            }
            final Table table = new Table("PROTOCOL", "NODE", "PEER", "INITIATOR", "KEY", "HOLDER");
            for (final JsonNode row : a.path("attachments"))
            {
                table.row(row.path("protocol").asText(), row.path("node").asText(), row.path("peer").asText(),
                    row.path("initiator").isNull() ? "-" : row.path("initiator").asText(),
                    row.path("key").isNull() ? "-" : "0x" + row.path("key").asText(), row.path("holder").asBoolean() ? "yes" : "-");
            }
            table.print(System.out);
            final JsonNode reservation = a.path("reservation");
            System.out.printf("%nreservation  %s (generation %d)%n", reservation.isNull() ? "none" : reservation.asText(),
                a.path("generation").asLong());
            for (final JsonNode r : a.path("registrations"))
            {
                System.out.printf("registered   %s through %s, key 0x%s%s%n", r.path("initiator").asText(),
                    r.path("targetPort").asInt() == 0 ? "every portal" : "portal group " + r.path("targetPort").asInt(),
                    r.path("key").asText(), r.path("holder").asBoolean() ? ", holds the reservation" : "");
            }
            return 0;
        }
    }

    @Command(name = "resize", description = "Grow a volume online.")
    static final class Resize implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--size", required = true, description = "New size, binary units; larger than the current one.")
        String size;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final JsonNode v = cluster.call("POST", path(name) + "/resize",
                JSON.createObjectNode().put("size", size(size)).toString(), false);
            System.out.print("Resized ");
            printSummary(v);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a volume and free its extents (refused while attached, unless --force).")
    static final class Delete implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "Delete even while clients are attached.")
        boolean force;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            cluster.call("DELETE", path(name) + (force ? "?force=true" : ""), null, false);
            System.out.println("Deleted volume " + name);
            return 0;
        }
    }
}
