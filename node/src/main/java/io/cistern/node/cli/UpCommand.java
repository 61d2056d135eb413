package io.cistern.node.cli;

import io.cistern.config.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cistern up}: starts a local multi-JVM cluster on loopback with file-backed drives and an
 * embedded journal, and waits until every node is ready. On an existing data folder it starts the
 * cluster laid out there again; it never starts a second cluster on a folder whose cluster runs.
 */
@Command(name = "up", description = "Start a local multi-node cluster on loopback and wait until it is ready.")
final class UpCommand implements Callable<Integer>
{
    /** What a cluster's layout fixes: given again to `up` on its folder, they would be ignored, so they are refused. */
    private static final List<String> LAYOUT_OPTIONS = List.of("--nodes", "--drives", "--drive-size", "--slab-size", "--retire-after",
        "--repair-bandwidth", "--port-offset", "--overcommit");

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes, 1-16 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--drives", defaultValue = "4", description = "Drives per node, 1-64 (default: ${DEFAULT-VALUE}).")
    int drives;

    @Option(names = "--drive-size", defaultValue = "8G", description = "Capacity of each drive, binary units (default: ${DEFAULT-VALUE}).")
    String driveSize;

    @Option(names = "--slab-size", defaultValue = "256M",
        description = "Slab size of new volumes, whole MiB (default: ${DEFAULT-VALUE}).")
    String slabSize;

    @Option(names = "--retire-after", defaultValue = "15m",
        description = "How long a node's drives may be out of communication before their extents are rebuilt elsewhere " +
            "(cistern.repair.retire-after; default: ${DEFAULT-VALUE}).")
    String retireAfter;

    @Option(names = "--repair-bandwidth", defaultValue = "64M",
        description = "The most each node's resyncs and rebuilds copy per second (cistern.repair.bandwidth; default: ${DEFAULT-VALUE}).")
    String repairBandwidth;

    @Option(names = "--overcommit", description = "Let the file-backed drives offer --drive-size each even when the filesystem " +
        "cannot hold them all (sparse files: writes fail once it is full). For benchmarks of the control plane at sizes the " +
        "machine cannot hold; a new cluster only.")
    boolean overcommit;

    @Option(names = "--port-offset", defaultValue = "0",
        description = "Added to every default port, to run several clusters on one host (default: ${DEFAULT-VALUE}).")
    int portOffset;

    @Mixin
    LaunchOptions launch;

    @Option(names = "--json", description = "Print the ready cluster's nodes as JSON (as `status --json`); progress goes to stderr.")
    boolean json;

    /**
     * The drive size of a new cluster: every node's drives are files in the data folder, on one filesystem,
     * which they must not promise more than it has. A --drive-size that does not fit is refused (unless
     * --overcommit); the default shrinks to fit, and says so.
     */
    private long fit(final java.nio.file.Path data, final long size, final java.io.PrintStream progress) throws IOException
    {
        final long free = Files.getFileStore(data).getUsableSpace();
        final long count = (long) nodes * drives;
        if (overcommit || count * size <= free)
        {
            if (overcommit && count * size > free)
            {
                progress.printf("WARNING: %d drive(s) of %s promise %s on a filesystem with %s free (--overcommit): writes fail once " +
                    "it is full%n", count, ByteSize.format(size), ByteSize.format(count * size), ByteSize.format(free));
            }
            return size;
        }
        final String what = count + " drive(s) of " + ByteSize.format(size) + " (" + nodes + " node(s) x " + drives + ") need " +
            ByteSize.format(count * size) + ", and the filesystem of " + data + " has " + ByteSize.format(free) + " free";
        if (spec.commandLine().getParseResult().hasMatchedOption("--drive-size"))
        {
            throw new CliException.Usage(what + ": give a smaller --drive-size or fewer --nodes/--drives (or --overcommit for a " +
                "benchmark that never writes them full)");
        }
        // Nine tenths of the free space, in whole MiB: room for the nodes' logs and journals beside the drives.
        final long fitted = free / 10 * 9 / count / (1 << 20) * (1 << 20);
        if (fitted < 64L << 20)
        {
            throw new CliException.Usage(what + ", too little for drives of 64 MiB or more: free some space or choose fewer " +
                "--nodes/--drives");
        }
        progress.printf("Drives of %s each: %s%n", ByteSize.format(fitted), what);
        return fitted;
    }

    @Override
    public Integer call() throws IOException
    {
        if (nodes < 1 || nodes > 16)
        {
            throw new CliException.Usage("--nodes=" + nodes + ": a cluster has 1 to 16 nodes");
        }
        if (drives < 1 || drives > 64)
        {
            throw new CliException.Usage("--drives=" + drives + ": a node has 1 to 64 drives here");
        }
        if (portOffset < 0 || portOffset > 10_000)
        {
            throw new CliException.Usage("--port-offset=" + portOffset + ": must be between 0 and 10000");
        }
        final long size;
        try
        {
            size = ByteSize.parse(driveSize);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException.Usage("--drive-size=" + driveSize + ": " + ex.getMessage());
        }
        final Duration wait = launch.readinessTimeout();
        final Duration retire = Durations.parse("--retire-after", retireAfter);
        final long slab;
        try
        {
            slab = ByteSize.parse(slabSize);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException.Usage("--slab-size=" + slabSize + ": " + ex.getMessage());
        }

        final long bandwidth;
        try
        {
            bandwidth = ByteSize.parse(repairBandwidth);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException.Usage("--repair-bandwidth=" + repairBandwidth + ": " + ex.getMessage());
        }

        final long started = System.nanoTime();
        // With --json, standard output is the document alone: what the command says on the way goes to stderr.
        final java.io.PrintStream progress = json ? System.err : System.out;
        final LocalCluster local = new LocalCluster(cluster.data, progress);
        Files.createDirectories(local.data());
        // Two `up`s racing on one folder would both see "not running" and start two clusters.
        try (FileChannel lockFile = FileChannel.open(local.data().resolve(".cistern.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock())
        {
            if (lock == null)
            {
                throw new CliException("another `cistern` command is starting or stopping the cluster in " + local.data());
            }
            ClusterFile file;
            if (local.exists())
            {
                file = local.read();
                final List<String> running = local.running(file);
                if (!running.isEmpty())
                {
                    throw new CliException.Usage("a cluster is already running from " + local.data() + ": " + String.join(", ", running) +
                        "\n(stop it with `cistern down --data " + local.data() + "`, or restart one node with `cistern node start NAME`)");
                }
                final List<String> given = LAYOUT_OPTIONS.stream().filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
                if (!given.isEmpty())
                {
                    throw new CliException.Usage("the cluster in " + local.data() + " is laid out already, and " + String.join(", ", given) +
                        " cannot change on it: start it with `cistern up --data " + local.data() + "` alone; add nodes with " +
                        "`cistern node add`, drives with `cistern drive add`, or lay out a new cluster in another folder");
                }
                progress.printf("Starting the %d-node cluster laid out in %s%n", file.nodes().size(), local.data());
            }
            else
            {
                file = local.create(nodes, drives, fit(local.data(), size, progress), new LocalCluster.Tuning(slab, retire, bandwidth),
                    portOffset, overcommit);
            }

            try
            {
                file = local.ensureJournal(file, Duration.ofSeconds(30));
                for (final ClusterFile.Node node : file.nodes())
                {
                    file = local.startNode(file, node, launch.heap);
                    progress.printf("Started %s (pid %d), log %s%n", node.name(), file.node(node.name()).pid(), node.log());
                }
                local.awaitReady(file, file.nodes().stream().map(ClusterFile.Node::name).toList(), wait);
            }
            catch (final CliException | IOException ex)
            {
                System.err.println("cistern: " + ex.getMessage());
                System.err.println("Stopping what this command started; logs stay in " + local.data());
                local.stopAll(local.read());
                return 1;
            }

            final double seconds = (System.nanoTime() - started) / 1e9;
            progress.printf("%nCluster ready in %.1f s: %d node(s), %d drive(s)%n%n", seconds, file.nodes().size(),
                file.nodes().size() * file.drives());
            if (json)
            {
                StatusCommand.printJson(file, local, cluster.client(), System.out);
            }
            else
            {
                StatusCommand.printNodes(file, local, cluster.client(), System.out);
            }
            return 0;
        }
    }
}
