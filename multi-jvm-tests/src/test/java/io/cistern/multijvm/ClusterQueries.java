package io.cistern.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the failure tests ask of a running local cluster, the way an administrator would: the CLI for
 * volumes and drives, each node's HTTP API for its jobs (polled often, so without a JVM per question),
 * and {@code cluster.json} for the processes.
 */
final class ClusterQueries
{
    static final ObjectMapper JSON = new ObjectMapper();

    private final CisternCli cli;
    private final Path data;
    private final HttpClient http = HttpClient.newHttpClient();

    ClusterQueries(final CisternCli cli, final Path data)
    {
        this.cli = cli;
        this.data = data;
    }

    /** {@code cistern volume show NAME --json}. */
    JsonNode volume(final String name) throws Exception
    {
        return JSON.readTree(cli.run(60, "volume", "show", name, "--json", "--data", data.toString()).output());
    }

    /** The first drive of a node in {@code cistern drive list --json}. */
    JsonNode driveOf(final String node) throws Exception
    {
        for (final JsonNode drive : JSON.readTree(cli.run(60, "drive", "list", "--json", "--data", data.toString()).output()).path("drives"))
        {
            if (drive.path("node").asText().equals(node))
            {
                return drive;
            }
        }
        throw new AssertionError(node + " has no drive in the pool");
    }

    /** A node's repair jobs, from its own API ({@code GET /api/v1/jobs}). */
    JsonNode jobs(final String node) throws Exception
    {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node(node).path("http").asText() +
            "/api/v1/jobs")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("jobs");
    }

    /** A node's entry in {@code cluster.json}: its pid, ports and log. */
    JsonNode node(final String name) throws Exception
    {
        for (final JsonNode process : JSON.readTree(data.resolve("cluster.json").toFile()).path("nodes"))
        {
            if (process.path("name").asText().equals(name))
            {
                return process;
            }
        }
        throw new AssertionError(name + " is not in cluster.json");
    }
}
