package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code cistern fault list}: what the health monitor says is wrong now, and what the pool does about it. */
@Command(name = "fault", description = "Health faults: failed or unreachable drives, rebuilds that cannot be placed.",
    subcommands = FaultCommand.ListFaults.class)
final class FaultCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: cistern fault list");
    }

    @Command(name = "list", description = "List the current faults, most severe first.")
    static final class ListFaults implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Override
        public Integer call()
        {
            final JsonNode faults = cluster.document("/api/v1/faults", json);
            if (faults == null)
            {
                return 0;
            }
            if (faults.path("faults").isEmpty())
            {
                System.out.println("No faults.");
                return 0;
            }
            final Table table = new Table("SEVERITY", "KIND", "SUBJECT", "SINCE", "DESCRIPTION");
            for (final JsonNode f : faults.path("faults"))
            {
                table.row(f.path("severity").asText(), f.path("kind").asText(), f.path("subject").asText(),
                    Instant.ofEpochMilli(f.path("sinceMillis").asLong()).toString(), f.path("description").asText());
            }
            table.print(System.out);
            return 0;
        }
    }
}
