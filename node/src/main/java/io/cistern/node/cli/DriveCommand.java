package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cistern drive list | add | retire}: the drives of the pool. */
@Command(name = "drive", description = "Drives of the pool.",
    subcommands = {DriveCommand.ListDrives.class, DriveCommand.Add.class, DriveCommand.Retire.class})
final class DriveCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: cistern drive list | add | retire");
    }

    @Command(name = "list", description = "List every drive: id, node, path, media, capacity, allocated, health.")
    static final class ListDrives implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Override
        public Integer call()
        {
            final JsonNode drives = cluster.document("/api/v1/drives", json);
            if (drives == null)
            {
                return 0;
            }
            final Table table = new Table("ID", "NODE", "PATH", "MEDIA", "CAPACITY", "ALLOCATED", "HEALTH", "DETAIL");
            for (final JsonNode d : drives.path("drives"))
            {
                table.row(d.path("id").asText(), d.path("node").asText(), d.path("path").asText(), d.path("mediaType").asText(),
                    ByteSize.format(d.path("capacityBytes").asLong()), ByteSize.format(d.path("allocatedBytes").asLong()),
                    d.path("health").asText(), d.path("detail").asText());
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "add", description = "Add a drive to a running node: the node checks and stamps the directory, adds it to " +
        "its configuration file and registers it with the pool, without a restart; rebalancing then moves copies onto it.")
    static final class Add implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--node", paramLabel = "NAME", description = "The node the drive is attached to (its path is that node's). " +
            "Required with --data; with --endpoint, the endpoint must be that node's.")
        String node;

        @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "The drive's directory on that node: " +
            "empty (it is stamped) or a Cistern drive. With --data and no PATH, a new folder beside the node's other drives.")
        Path path;

        @Option(names = "--media-type", paramLabel = "TYPE", description = "nvme, ssd, hdd or pmem (default: the node's default-media-type).")
        String mediaType;

        @Option(names = "--capacity", paramLabel = "SIZE", description = "What the drive offers the pool, e.g. 256M or 2T (default: " +
            "the filesystem's free space; with --data and no PATH, the cluster's drive size).")
        String capacity;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Override
        public Integer call() throws java.io.IOException
        {
            final String endpoint;
            Path drive = path;
            String size = capacity;
            if (cluster.endpoint != null)
            {
                if (drive == null)
                {
                    throw new CliException.Usage("name the drive's directory (PATH) on the node at " + cluster.endpoint);
                }
                endpoint = cluster.endpoint.replaceAll("/+$", "");
            }
            else
            {
                if (node == null)
                {
                    throw new CliException.Usage("name the node the drive is attached to: --node NAME (cistern status lists them)");
                }
                final LocalCluster local = new LocalCluster(cluster.data, System.out);
                final ClusterFile file = local.read();
                final ClusterFile.Node target = file.node(node);
                if (target == null)
                {
                    throw new CliException.Usage("no node named " + node + " in " + local.data() + "; nodes: " +
                        file.nodes().stream().map(ClusterFile.Node::name).toList());
                }
                if (drive == null)
                {
                    drive = local.newDriveFolder(target);
                    size = size == null ? Long.toString(file.driveSize()) : size;
                }
                endpoint = target.http();
            }
            final com.fasterxml.jackson.databind.node.ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            if (node != null)
            {
                body.put("node", node);
            }
            body.put("path", drive.toAbsolutePath().normalize().toString());
            if (mediaType != null)
            {
                body.put("media-type", mediaType);
            }
            if (size != null)
            {
                body.put("capacity", size);
            }
            // Registration waits for the pool's answer, which takes longer than a read.
            final ApiClient api = cluster.client().withTimeout(java.time.Duration.ofSeconds(60));
            final String url = endpoint + "/api/v1/drives";
            final String answer = api.send("POST", url, body.toString());
            if (json)
            {
                System.out.println(answer);
                return 0;
            }
            final JsonNode added = api.json(answer, url);
            final JsonNode d = added.path("drive");
            final String id = d.path("id").asText();
            System.out.println("Drive " + (id.isEmpty() ? "" : id + " ") + "at " + d.path("path").asText() + " on " + d.path("node").asText() +
                ": " + added.path("detail").asText());
            return 0;
        }
    }

    @Command(name = "retire", description = "Take a drive out of the pool: it gets no new extents and its extents are rebuilt on " +
        "other drives that keep the fault-domain rule (cistern job list shows the rebuild).")
    static final class Retire implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @CommandLine.Parameters(index = "0", paramLabel = "ID", description = "The drive's id, or a unique prefix of it (cistern drive list).")
        String id;

        @Option(names = "--reason", description = "Why, kept in the drive's detail.", defaultValue = "retired by an administrator")
        String reason;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Override
        public Integer call()
        {
            final String body = "{\"reason\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(reason) + "}";
            final JsonNode drive = cluster.call("POST", "/api/v1/drives/" + id + "/retire", body, json);
            if (drive != null)
            {
                System.out.println("Drive " + drive.path("id").asText() + " on " + drive.path("node").asText() + " is " +
                    drive.path("health").asText() + "; its extents are being rebuilt elsewhere (cistern job list, cistern volume show)");
            }
            return 0;
        }
    }
}
