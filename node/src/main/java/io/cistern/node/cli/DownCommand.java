package io.cistern.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code cistern down}: stops every node of a local cluster gracefully (SIGTERM), then its journal. Data stays. */
@Command(name = "down", description = "Stop a local cluster gracefully; its data stays for the next `up`.")
final class DownCommand implements Callable<Integer>
{
    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws IOException
    {
        final LocalCluster local = new LocalCluster(cluster.data, System.out);
        final ClusterFile file = local.read();
        if (local.running(file).isEmpty())
        {
            System.out.println("Nothing is running from " + local.data());
            return 0;
        }
        local.stopAll(file);
        System.out.println("Cluster in " + local.data() + " stopped");
        return 0;
    }
}
