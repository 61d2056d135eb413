package io.cistern.node.cli;

import io.cistern.config.ByteSize;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A multi-JVM Cistern cluster on this machine, living in one data folder:
 * <pre>
 * DATA/cluster.json             what runs where, and the cluster's id (ClusterFile)
 * DATA/api-token                the bearer token of the cluster's API (owner-only)
 * DATA/journal/                 the H2 database of the journal, and journal.log
 * DATA/node-N/node.conf         the node's configuration (generated once, then the admin's to edit)
 * DATA/node-N/node.log          its log
 * DATA/node-N/drives/drive-M/   its file-backed drives
 * DATA/node-N/state/            node-local state (Aeron directory)
 * </pre>
 */
final class LocalCluster
{
    static final String MAIN = "io.cistern.node.cli.Cistern";
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final Path data;
    private final PrintStream out;

    LocalCluster(final Path data, final PrintStream out)
    {
        this.data = data.toAbsolutePath().normalize();
        this.out = out;
    }

    Path data()
    {
        return data;
    }

    boolean exists()
    {
        return Files.exists(ClusterFile.in(data));
    }

    ClusterFile read() throws IOException
    {
        if (!exists())
        {
            throw new CliException.Usage("no cluster in " + data + " (no " + ClusterFile.NAME + "); start one with `cistern up --data " + data + "`");
        }
        return ClusterFile.read(data);
    }

    /**
     * The settings `cistern up` writes into every node's configuration and `node add` copies from node-1.
     *
     * @param repairBandwidth cistern.repair.bandwidth in bytes a second.
     */
    record Tuning(long slabSize, java.time.Duration retireAfter, long repairBandwidth)
    {
        /** The tuning a node's configuration file holds; what it leaves out is reference.conf's default. */
        static Tuning of(final Path nodeConf)
        {
            final com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseFile(nodeConf.toFile())
                .withFallback(com.typesafe.config.ConfigFactory.defaultReference());
            return new Tuning(conf.getBytes("cistern.volume.slab-size"), conf.getDuration("cistern.repair.retire-after"),
                conf.getBytes("cistern.repair.bandwidth"));
        }
    }

    /** Lays out a new cluster: folders, drives and node configurations. Nothing is started. */
    ClusterFile create(final int nodes, final int drives, final long driveSize, final Tuning tuning, final int portOffset,
                       final boolean overcommit) throws IOException
    {
        // The journal is kept by the nodes themselves: the first three (five from five nodes) vote, the
        // others follow it as listeners. No journal process.
        final List<String> voters = new ArrayList<>();
        for (int i = 0; i < (nodes < 5 ? Math.min(nodes, 3) : 5); i++)
        {
            voters.add("\"node-" + (i + 1) + "@" + Ports.HOST + ":" + (Ports.RAFT + portOffset + i) + "\"");
        }
        // The cluster's id tells its nodes from another cluster's on the same ports; the token keeps its API to
        // whoever can read this folder's api-token (32 random bytes).
        final String id = java.util.UUID.randomUUID().toString();
        final byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        final String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Files.createDirectories(data);
        ClusterFile.writeToken(data, token);
        final List<ClusterFile.Node> entries = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            entries.add(layOut(i, seeds(nodes, portOffset), drives, driveSize, tuning, portOffset, voters, null, id, token, overcommit));
        }
        final ClusterFile file = new ClusterFile(data.toString(), portOffset, drives, driveSize, null, entries, id, overcommit);
        file.write();
        out.printf("Laid out %d node(s) x %d drive(s) of %s in %s%n", nodes, drives, ByteSize.format(driveSize), data);
        return file;
    }

    /**
     * Lays out one more node beside the cluster's (same drives per node, drive size, slab size, retire
     * timeout and repair bandwidth as node-1's configuration), joining through the cluster's seed nodes, and records it in
     * {@code cluster.json}. Nothing is started.
     */
    ClusterFile addNode(final ClusterFile file) throws IOException
    {
        if (file.nodes().size() >= 16)
        {
            throw new CliException.Usage("the cluster in " + data + " has 16 nodes, the most a cluster has");
        }
        final long free = Files.getFileStore(data).getUsableSpace();
        if (!file.overcommit() && (long) file.drives() * file.driveSize() > free)
        {
            // Its drives are files in this folder too: they must not promise more than the filesystem has.
            throw new CliException.Usage("a node of " + file.drives() + " drive(s) of " + ByteSize.format(file.driveSize()) + " needs " +
                ByteSize.format((long) file.drives() * file.driveSize()) + ", and the filesystem of " + data + " has " +
                ByteSize.format(free) + " free");
        }
        final ClusterFile.Node node = layOut(file.nodes().size(), seeds(file.nodes().size(), file.portOffset()), file.drives(),
            file.driveSize(), Tuning.of(Path.of(file.nodes().get(0).config())), file.portOffset(),
            file.journal() == null ? voters(Path.of(file.nodes().get(0).config())) : null, file.journal(), file.id(),
            ClusterFile.token(data), file.overcommit());
        final List<ClusterFile.Node> nodes = new ArrayList<>(file.nodes());
        nodes.add(node);
        final ClusterFile updated = new ClusterFile(file.data(), file.portOffset(), file.drives(), file.driveSize(), file.journal(), nodes,
            file.id(), file.overcommit());
        updated.write();
        out.printf("Laid out %s with %d drive(s) of %s%n", node.name(), file.drives(), ByteSize.format(file.driveSize()));
        return updated;
    }

    /**
     * Makes an empty folder for one more file-backed drive of a node of this cluster, beside its others
     * ({@code DATA/node-N/drives/drive-M}, the first M not taken). The node is not told; {@code drive add} does that.
     */
    Path newDriveFolder(final ClusterFile.Node node) throws IOException
    {
        final Path drives = data.resolve(node.name()).resolve("drives");
        for (int m = 1; ; m++)
        {
            final Path drive = drives.resolve("drive-" + m);
            if (!Files.exists(drive))
            {
                Files.createDirectories(drive);
                return drive;
            }
        }
    }

    /** The seed nodes of a cluster of {@code nodes}: its first three. */
    private static List<String> seeds(final int nodes, final int portOffset)
    {
        final List<String> seeds = new ArrayList<>();
        for (int i = 0; i < Math.min(nodes, 3); i++)
        {
            seeds.add("\"" + Ports.HOST + ":" + (Ports.ARTERY + portOffset + i) + "\"");
        }
        return seeds;
    }

    /** Makes the folders and drives of node {@code i} (0-based) and writes its configuration. */
    private ClusterFile.Node layOut(final int i, final List<String> seeds, final int drives, final long driveSize,
                                    final Tuning tuning, final int portOffset, final List<String> voters,
                                    final ClusterFile.Journal h2, final String clusterId, final String token,
                                    final boolean overcommit) throws IOException
    {
        final String name = "node-" + (i + 1);
        final Path dir = data.resolve(name);
        final List<String> driveConf = new ArrayList<>();
        for (int d = 1; d <= drives; d++)
        {
            final Path drive = dir.resolve("drives").resolve("drive-" + d);
            Files.createDirectories(drive);
            driveConf.add("    { path = \"" + drive + "\", media-type = ssd, capacity = " + driveSize +
                (overcommit ? ", overcommit = true" : "") + " }");
        }
        final int artery = Ports.ARTERY + portOffset + i;
        final int http = Ports.HTTP + portOffset + i;
        final int nbd = Ports.NBD + portOffset + i;
        final int iscsi = Ports.ISCSI + portOffset + i;
        final int aeron = Ports.AERON + portOffset + i;
        final int jmx = Ports.JMX + portOffset + i;
        final String conf = "# Generated by `cistern up` or `cistern node add`; see reference.conf in the config module for every key.\n" +
            "cistern {\n" +
            "  node {\n" +
            "    name = \"" + name + "\"\n" +
            "    host = \"" + Ports.HOST + "\"\n" +
            "    data-dir = \"" + dir.resolve("state") + "\"\n" +
            "    drives = [\n" + String.join(",\n", driveConf) + "\n    ]\n" +
            "  }\n" +
            "  cluster {\n" +
            "    port = " + artery + "\n" +
            "    seed-nodes = [" + String.join(", ", seeds) + "]\n" +
            (clusterId == null ? "" : "    id = \"" + clusterId + "\"\n") +
            "  }\n" +
            (token == null ? "" : "  api.token = \"" + token + "\"\n") +
            "  management.port = " + http + "\n" +
            "  nbd.port = " + nbd + "\n" +
            "  iscsi.port = " + iscsi + "\n" +
            "  iscsi.portal-group = " + (i + 1) + "\n" +
            "  aeron.port = " + aeron + "\n" +
            "  jmx.port = " + jmx + "\n" +
            "  volume.slab-size = " + tuning.slabSize() + "\n" +
            "  repair.retire-after = " + tuning.retireAfter().toMillis() + "ms\n" +
            "  repair.bandwidth = " + tuning.repairBandwidth() + "\n" +
            journal(voters, Ports.RAFT + portOffset + i, h2) +
            "}\n";
        final Path config = dir.resolve("node.conf");
        // Owner-only, like DATA/api-token: it holds the token.
        Files.deleteIfExists(config);
        Files.createFile(config, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, conf);
        return new ClusterFile.Node(name, 0, config.toString(), dir.resolve("node.log").toString(),
            "http://" + Ports.HOST + ":" + http, Ports.HOST + ":" + nbd, Ports.HOST + ":" + aeron, Ports.HOST + ":" + artery,
            Ports.HOST + ":" + iscsi);
    }

    /**
     * The journal section of a node's configuration: the replicated journal's voters and this node's port,
     * or (null voters: a cluster laid out by an earlier version) the cluster's H2 server.
     */
    private static String journal(final List<String> voters, final int raftPort, final ClusterFile.Journal h2)
    {
        if (voters == null)
        {
            return "  journal {\n    kind = h2\n    url = \"" + h2.url() + "\"\n  }\n";
        }
        return "  journal {\n" +
            "    kind = replicated\n" +
            "    port = " + raftPort + "\n" +
            "    voters = [" + String.join(", ", voters) + "]\n" +
            "  }\n";
    }

    /** The replicated journal's voters as node-1's configuration lists them, quoted for HOCON. */
    private static List<String> voters(final Path nodeConf)
    {
        final List<String> voters = new ArrayList<>();
        for (final String voter : com.typesafe.config.ConfigFactory.parseFile(nodeConf.toFile())
            .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).getStringList("cistern.journal.voters"))
        {
            voters.add("\"" + voter + "\"");
        }
        return voters;
    }

    /** The H2 journal server of a cluster laid out by an earlier version; none for a replicated journal. */
    Optional<ProcessHandle> journalProcess(final ClusterFile file)
    {
        if (file.journal() == null)
        {
            return Optional.empty();
        }
        return Processes.ours(file.journal().pid(), data.resolve("journal").toString());
    }

    Optional<ProcessHandle> nodeProcess(final ClusterFile.Node node)
    {
        return Processes.ours(node.pid(), node.config());
    }

    /** Starts the journal server if it is not running; returns the updated file. */
    ClusterFile ensureJournal(final ClusterFile file, final Duration timeout) throws IOException
    {
        if (file.journal() == null || journalProcess(file).isPresent())
        {
            return file;
        }
        final String busy = Ports.busy(file.journal().port(), false);
        if (busy != null)
        {
            throw new CliException("cannot start the journal: " + busy);
        }
        final long pid = Processes.start(
            Processes.java("256m", MAIN, List.of("journal", "--dir", data.resolve("journal").toString(),
                "--port", Integer.toString(file.journal().port()))),
            Path.of(file.journal().log()));
        final ClusterFile updated = file.withJournal(file.journal().withPid(pid));
        updated.write();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepts(file.journal().port()))
        {
            if (Processes.ours(pid, data.resolve("journal").toString()).isEmpty())
            {
                throw new CliException("the journal server exited at start; its log ends with:\n" +
                    Processes.tail(Path.of(file.journal().log()), 30));
            }
            if (System.nanoTime() > deadline)
            {
                throw new CliException("the journal server did not listen on port " + file.journal().port() + " within " + timeout);
            }
            pause();
        }
        out.printf("Journal (H2) running, pid %d, %s%n", pid, file.journal().url());
        return updated;
    }

    /** Starts one node's JVM; returns the updated file. */
    ClusterFile startNode(final ClusterFile file, final ClusterFile.Node node, final String heap) throws IOException
    {
        final List<String> endpoints = new ArrayList<>(List.of(node.artery(), node.http(), node.nbd()));
        if (node.iscsi() != null)
        {
            endpoints.add(node.iscsi()); // null in a cluster laid out before iSCSI
        }
        for (final String endpoint : endpoints)
        {
            final String busy = Ports.busy(port(endpoint), false);
            if (busy != null)
            {
                throw new CliException("cannot start " + node.name() + ": " + busy);
            }
        }
        final String aeronBusy = Ports.busy(port(node.aeron()), true);
        if (aeronBusy != null)
        {
            throw new CliException("cannot start " + node.name() + ": " + aeronBusy);
        }
        final long pid = Processes.start(
            Processes.java(heap, MAIN, List.of("node", "--config", node.config())), Path.of(node.log()));
        final ClusterFile updated = file.withNode(node.withPid(pid));
        updated.write();
        return updated;
    }

    /** Waits until every named node answers {@code /ready} with 200; fails with the log tail of one that died. */
    void awaitReady(final ClusterFile file, final List<String> names, final Duration timeout)
    {
        final ApiClient api = new ApiClient(Duration.ofSeconds(2));
        final long deadline = System.nanoTime() + timeout.toNanos();
        final List<String> waiting = new ArrayList<>(names);
        while (!waiting.isEmpty())
        {
            for (final String name : List.copyOf(waiting))
            {
                final ClusterFile.Node node = file.node(name);
                if (nodeProcess(node).isEmpty())
                {
                    throw new CliException(name + " exited before it was ready; the end of " + node.log() + ":\n" +
                        Processes.tail(Path.of(node.log()), 40));
                }
                if (api.status(node.http() + "/ready") == 200)
                {
                    waiting.remove(name);
                    out.printf("  %s ready%n", name);
                }
            }
            if (waiting.isEmpty())
            {
                return;
            }
            if (System.nanoTime() > deadline)
            {
                final StringBuilder why = new StringBuilder("not ready within " + timeout.toSeconds() + "s: " + waiting);
                for (final String name : waiting)
                {
                    why.append("\nthe end of ").append(file.node(name).log()).append(":\n")
                        .append(Processes.tail(Path.of(file.node(name).log()), 25));
                }
                throw new CliException(why.toString());
            }
            pause();
        }
    }

    /** Stops every node (in parallel), then the journal. Returns the updated file. */
    ClusterFile stopAll(final ClusterFile file) throws IOException
    {
        ClusterFile updated = file;
        final List<Thread> stoppers = new ArrayList<>();
        for (final ClusterFile.Node node : file.nodes())
        {
            final Optional<ProcessHandle> process = nodeProcess(node);
            if (process.isEmpty())
            {
                continue;
            }
            out.printf("Stopping %s (pid %d)%n", node.name(), node.pid());
            final Thread stopper = new Thread(() ->
            {
                if (!Processes.stop(process.get(), STOP_GRACE))
                {
                    out.printf("%s did not stop within %ds of SIGTERM and was killed%n", node.name(), STOP_GRACE.toSeconds());
                }
            }, "stop-" + node.name());
            stopper.start();
            stoppers.add(stopper);
            updated = updated.withNode(node.withPid(0));
        }
        for (final Thread stopper : stoppers)
        {
            try
            {
                stopper.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while stopping nodes");
            }
        }
        final Optional<ProcessHandle> journal = journalProcess(file);
        if (journal.isPresent())
        {
            out.printf("Stopping the journal (pid %d)%n", file.journal().pid());
            Processes.stop(journal.get(), STOP_GRACE);
        }
        if (updated.journal() != null)
        {
            updated = updated.withJournal(updated.journal().withPid(0));
        }
        updated.write();
        return updated;
    }

    List<String> running(final ClusterFile file)
    {
        final List<String> running = new ArrayList<>();
        for (final ClusterFile.Node node : file.nodes())
        {
            nodeProcess(node).ifPresent(p -> running.add(node.name() + " (pid " + p.pid() + ")"));
        }
        journalProcess(file).ifPresent(p -> running.add("journal (pid " + p.pid() + ")"));
        return running;
    }

    static int port(final String hostPort)
    {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static boolean accepts(final int port)
    {
        try (Socket ignored = new Socket(Ports.HOST, port))
        {
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(250);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
