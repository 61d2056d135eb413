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

    @picocli.CommandLine.Option(names = "--json", description = "Print the nodes as JSON (the same exit codes).")
    boolean json;

    @Override
    public Integer call() throws IOException
    {
        final LocalCluster local = new LocalCluster(cluster.data, System.out);
        final ClusterFile file = local.read();
        final ApiClient api = cluster.client();
        if (json)
        {
            return printJson(file, local, api, System.out) > 0 ? Cistern.CLUSTER_ERROR : 0;
        }
        final int down = printNodes(file, local, api, System.out);
        if (file.journal() == null)
        {
            System.out.printf("%nJournal: replicated, kept by the nodes%n");
            printJournal(file, local, api, System.out);
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

    /** One node as `status` shows it. */
    record NodeStatus(String name, Long pid, String process, Boolean ready, String member, boolean unreachable, String http,
                      String nbd, String iscsi, String aeron, String artery)
    {
        boolean down()
        {
            return !Boolean.TRUE.equals(ready);
        }
    }

    /** Each node of the folder: its process (ours, by pid), readiness, and membership as a live node sees it. */
    static java.util.List<NodeStatus> nodes(final ClusterFile file, final LocalCluster local, final ApiClient api)
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
        final java.util.List<NodeStatus> nodes = new java.util.ArrayList<>();
        for (final ClusterFile.Node node : file.nodes())
        {
            final boolean running = local.nodeProcess(node).isPresent();
            final String address = "pekko://cistern@" + node.artery();
            nodes.add(new NodeStatus(node.name(), running ? node.pid() : null, running ? "running" : "stopped",
                running ? api.status(node.http() + "/ready") == 200 : null, memberStatus.get(address), unreachable.contains(address),
                node.http(), node.nbd(), node.iscsi(), node.aeron(), node.artery()));
        }
        return nodes;
    }

    /** Prints a row per node and returns how many are stopped or not ready. */
    static int printNodes(final ClusterFile file, final LocalCluster local, final ApiClient api, final PrintStream out)
    {
        final Table table = new Table("NAME", "PID", "PROCESS", "READY", "MEMBER", "HTTP", "NBD", "ISCSI", "AERON", "ARTERY");
        int down = 0;
        for (final NodeStatus node : nodes(file, local, api))
        {
            down += node.down() ? 1 : 0;
            table.row(node.name(), node.pid() == null ? "-" : node.pid(), node.process(),
                node.ready() == null ? "-" : (node.ready() ? "yes" : "no"),
                (node.member() == null ? "-" : node.member()) + (node.unreachable() ? " (unreachable)" : ""),
                node.http(), node.nbd(), node.iscsi() == null ? "-" : node.iscsi(), node.aeron(), node.artery());
        }
        table.print(out);
        return down;
    }

    /** The nodes as one JSON document (what `status --json` and `up --json` print), and how many are down. */
    static int printJson(final ClusterFile file, final LocalCluster local, final ApiClient api, final PrintStream out)
    {
        final java.util.List<NodeStatus> nodes = nodes(file, local, api);
        final int down = (int) nodes.stream().filter(NodeStatus::down).count();
        final Map<String, Object> document = new java.util.LinkedHashMap<>();
        document.put("data", file.data());
        document.put("cluster", file.id());
        document.put("nodes", nodes);
        document.put("down", down);
        try
        {
            out.println(new com.fasterxml.jackson.databind.ObjectMapper().enable(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new CliException("cannot write the status as JSON: " + ex.getMessage());
        }
        return down;
    }
}
