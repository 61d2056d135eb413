package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code cistern drive list | retire}: the drives of the pool. */
@Command(name = "drive", description = "Drives of the pool.", subcommands = {DriveCommand.ListDrives.class, DriveCommand.Retire.class})
final class DriveCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: cistern drive list | retire");
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
