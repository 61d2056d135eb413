package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code cistern status}: each node of a local cluster, its process, readiness and membership. Exits
 * {@link Cistern#CLUSTER_ERROR} when a node is stopped or not ready, so a script can wait on it.
 */
@Command(name = "status", description = "Show the nodes of a local cluster: process, readiness, cluster membership, and the journal.")
final class StatusCommand implements Callable<Integer>
{
    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws IOException
    {
        final LocalCluster local = new LocalCluster(cluster.data, System.out);
        final ClusterFile file = local.read();
        final int down = printNodes(file, local, ClusterOptions.client(), System.out);
        if (file.journal() == null)
        {
            System.out.printf("%nJournal: replicated, kept by the nodes%n");
            printJournal(file, local, ClusterOptions.client(), System.out);
        }
        else
        {
            System.out.printf("%nJournal: %s (%s)%n", file.journal().url(),
                local.journalProcess(file).map(p -> "running, pid " + p.pid()).orElse("stopped"));
        }
        if (down > 0)
        {
            System.out.printf("%n%d of %d node(s) stopped or not ready%n", down, file.nodes().size());
            return Cistern.CLUSTER_ERROR;
        }
        return 0;
    }

    /** Each running node's journal member: voter or listener, the leader it knows, how far it has applied. */
    static void printJournal(final ClusterFile file, final LocalCluster local, final ApiClient api, final PrintStream out)
    {
        final Table table = new Table("NODE", "ROLE", "LEADER", "APPLIED", "EVENTS");
        for (final ClusterFile.Node node : file.nodes())
        {
            if (local.nodeProcess(node).isEmpty())
            {
                table.row(node.name(), "-", "-", "-", "-");
                continue;
            }
            try
            {
                final JsonNode journal = api.getJson(node.http() + "/api/v1/journal");
                final String leader = journal.path("leader").asText();
                table.row(node.name(), journal.path("role").asText("-"), leader.isEmpty() ? "(election)" : leader,
                    journal.path("applied").asLong(), journal.path("events").asLong());
            }
            catch (final CliException ex)
            {
                table.row(node.name(), "?", "?", "?", "?");
            }
        }
        table.print(out);
    }

    /** Prints a row per node and returns how many are stopped or not ready. */
    static int printNodes(final ClusterFile file, final LocalCluster local, final ApiClient api, final PrintStream out)
    {
        final Map<String, String> memberStatus = new HashMap<>();
        final Set<String> unreachable = new HashSet<>();
        for (final ClusterFile.Node node : file.nodes())
        {
            if (local.nodeProcess(node).isPresent() && api.status(node.http() + "/alive") == 200)
            {
                try
                {
                    final JsonNode members = api.getJson(node.http() + "/cluster/members");
                    members.path("members").forEach(m -> memberStatus.put(m.path("node").asText(), m.path("status").asText()));
                    members.path("unreachable").forEach(m -> unreachable.add(m.path("node").asText()));
                    break;
                }
                catch (final CliException ex)
                {
                    // try the next node
                }
            }
        }
        final Table table = new Table("NAME", "PID", "PROCESS", "READY", "MEMBER", "HTTP", "NBD", "ISCSI", "AERON", "ARTERY");
        int down = 0;
        for (final ClusterFile.Node node : file.nodes())
        {
            final boolean running = local.nodeProcess(node).isPresent();
            final boolean ready = running && api.status(node.http() + "/ready") == 200;
            if (!ready)
            {
                down++;
            }
            final String address = "pekko://cistern@" + node.artery();
            String member = memberStatus.getOrDefault(address, "-");
            if (unreachable.contains(address))
            {
                member += " (unreachable)";
            }
            table.row(node.name(),
                running ? node.pid() : "-",
                running ? "running" : "stopped",
                running ? (ready ? "yes" : "no") : "-",
                member, node.http(), node.nbd(), node.iscsi() == null ? "-" : node.iscsi(), node.aeron(), node.artery());
        }
        table.print(out);
        return down;
    }
}
