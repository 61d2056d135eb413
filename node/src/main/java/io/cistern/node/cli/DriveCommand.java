package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code cistern drive list}: every drive of the pool. */
@Command(name = "drive", description = "Drives of the pool.", subcommands = DriveCommand.ListDrives.class)
final class DriveCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: cistern drive list");
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
}
