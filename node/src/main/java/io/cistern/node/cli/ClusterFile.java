package io.cistern.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DATA/cluster.json}: what {@code cistern up} started and where each piece listens. Every
 * command that manages a local cluster starts from this file; a pid of 0 means "not started by us".
 *
 * @param data       the cluster's data folder.
 * @param portOffset added to every default port.
 * @param drives     drives per node.
 * @param driveSize  bytes per drive.
 * @param id         the cluster's id, which its nodes answer with ({@code cistern.cluster.id}); null in a folder laid
 *                   out before clusters had ids, which is then not checked.
 * @param overcommit whether its drives offer their size whatever the filesystem has ({@code up --overcommit}).
 */
public record ClusterFile(String data, int portOffset, int drives, long driveSize, Journal journal, List<Node> nodes, String id,
                          boolean overcommit)
{
    public static final String NAME = "cluster.json";
    /** {@code DATA/api-token}: the bearer token of the cluster's API, readable by its owner only. */
    public static final String TOKEN = "api-token";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The embedded H2 server that holds the cluster's journal. */
    public record Journal(String url, int port, long pid, String log)
    {
        Journal withPid(final long newPid)
        {
            return new Journal(url, port, newPid, log);
        }
    }

    /**
     * One node: its process and endpoints.
     *
     * @param http   management and API base URL.
     * @param nbd    NBD server {@code host:port}.
     * @param aeron  Aeron data server {@code host:port} (UDP).
     * @param artery cluster (Artery TCP) {@code host:port}.
     */
    public record Node(String name, long pid, String config, String log, String http, String nbd, String aeron, String artery,
                       String iscsi)
    {
        Node withPid(final long newPid)
        {
            return new Node(name, newPid, config, log, http, nbd, aeron, artery, iscsi);
        }
    }

    public static Path in(final Path data)
    {
        return data.resolve(NAME);
    }

    public static ClusterFile read(final Path data) throws IOException
    {
        return JSON.readValue(in(data).toFile(), ClusterFile.class);
    }

    /** The API token kept in the data folder, or null if there is none (a folder laid out before tokens). */
    public static String token(final Path data) throws IOException
    {
        final Path file = data.resolve(TOKEN);
        return Files.exists(file) ? Files.readString(file).trim() : null;
    }

    /** Writes the token where only its owner reads it: created so, never readable by others for a moment. */
    static void writeToken(final Path data, final String token) throws IOException
    {
        final Path file = data.resolve(TOKEN);
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n");
    }

    public void write() throws IOException
    {
        final Path target = in(Path.of(data));
        final Path tmp = target.resolveSibling(NAME + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public Node node(final String name)
    {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    }

    ClusterFile withNode(final Node node)
    {
        final List<Node> updated = new ArrayList<>();
        for (final Node n : nodes)
        {
            updated.add(n.name().equals(node.name()) ? node : n);
        }
        return new ClusterFile(data, portOffset, drives, driveSize, journal, updated, id, overcommit);
    }

    ClusterFile withJournal(final Journal newJournal)
    {
        return new ClusterFile(data, portOffset, drives, driveSize, newJournal, nodes, id, overcommit);
    }
}
