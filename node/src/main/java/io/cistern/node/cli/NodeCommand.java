package io.cistern.node.cli;

import io.cistern.node.process.NodeRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cistern node --config FILE} runs a node in this process; {@code cistern node start NAME} restarts one of a local cluster. */
@Command(name = "node", description = "Run a node in this process (--config FILE), or manage one node of a local cluster.",
    subcommands = {NodeCommand.Start.class, NodeCommand.Add.class})
final class NodeCommand implements Callable<Integer>
{
    @Option(names = "--config", paramLabel = "FILE", description = "The node's configuration file (HOCON).")
    Path config;

    @Override
    public Integer call()
    {
        if (config == null)
        {
            throw new CliException.Usage("`cistern node` needs --config FILE to run a node, or a subcommand (cistern node start NAME)");
        }
        return NodeRunner.run(config);
    }

    @Command(name = "start", description = "Start a stopped node of a local cluster and wait until it is ready.")
    static final class Start implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "Node name, e.g. node-2.")
        String name;

        @Mixin
        ClusterOptions cluster;

        @Mixin
        LaunchOptions launch;

        @picocli.CommandLine.Option(names = "--json", description = "Print the cluster's nodes as JSON once it is ready (as `status " +
            "--json`); progress goes to stderr.")
        boolean json;

        @Override
        public Integer call() throws IOException
        {
            final java.io.PrintStream progress = json ? System.err : System.out;
            final LocalCluster local = new LocalCluster(cluster.data, progress);
            ClusterFile file = local.read();
            final ClusterFile.Node node = file.node(name);
            if (node == null)
            {
                throw new CliException.Usage("no node named " + name + " in " + local.data() + "; nodes: " +
                    file.nodes().stream().map(ClusterFile.Node::name).toList());
            }
            if (local.nodeProcess(node).isPresent())
            {
                throw new CliException.Usage(name + " is already running (pid " + node.pid() + ")");
            }
            final Duration wait = launch.readinessTimeout();
            file = local.ensureJournal(file, Duration.ofSeconds(30));
            file = local.startNode(file, node, launch.heap);
            progress.printf("Started %s (pid %d); waiting until it is ready%n", name, file.node(name).pid());
            local.awaitReady(file, List.of(name), wait);
            if (json)
            {
                StatusCommand.printJson(file, local, cluster.client(), System.out);
            }
            return 0;
        }
    }

    @Command(name = "add", description = "Add a node to a running local cluster (drives like the others'), start it and wait " +
        "until it is ready; rebalancing then moves copies onto its drives.")
    static final class Add implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Mixin
        LaunchOptions launch;

        @Override
        public Integer call() throws IOException
        {
            final LocalCluster local = new LocalCluster(cluster.data, System.out);
            ClusterFile file = local.read();
            final Duration wait = launch.readinessTimeout();
            if (local.running(file).isEmpty())
            {
                throw new CliException("the cluster in " + local.data() + " is not running; start it with `cistern up --data " +
                    local.data() + "` first");
            }
            file = local.addNode(file);
            final ClusterFile.Node node = file.nodes().get(file.nodes().size() - 1);
            file = local.ensureJournal(file, Duration.ofSeconds(30));
            file = local.startNode(file, node, launch.heap);
            System.out.printf("Started %s (pid %d); waiting until it is ready%n", node.name(), file.node(node.name()).pid());
            local.awaitReady(file, List.of(node.name()), wait);
            System.out.printf("%s joined the pool; cistern pool shows its drives, cistern job list the copies moving onto them%n",
                node.name());
            return 0;
        }
    }
}
