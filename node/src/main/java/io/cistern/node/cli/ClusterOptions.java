package io.cistern.node.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** How a command finds its cluster: a local data folder, or one node's HTTP endpoint. */
final class ClusterOptions
{
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./cistern-data",
        description = "Data folder of a local cluster (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--endpoint", paramLabel = "URL",
        description = "HTTP endpoint of any node, e.g. http://127.0.0.1:7626; overrides --data.")
    String endpoint;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "The API's bearer token (cistern.api.token) with --endpoint; default: $CISTERN_API_TOKEN. With --data it is read "
            + "from DATA/api-token.")
    String token;

    /** The base URLs of every node that answers: --endpoint alone, or each live node of --data. */
    List<String> endpoints(final ApiClient api)
    {
        if (endpoint != null)
        {
            return List.of(given());
        }
        final LocalCluster cluster = new LocalCluster(data, System.out);
        try
        {
            final List<String> live = cluster.read().nodes().stream().map(ClusterFile.Node::http)
                .filter(http -> api.status(http + "/alive") == 200).toList();
            if (live.isEmpty())
            {
                throw new CliException("no node of the cluster in " + cluster.data() + " answers; is it running? (cistern status)");
            }
            return live;
        }
        catch (final java.io.IOException ex)
        {
            throw new CliException("cannot read " + ClusterFile.in(cluster.data()) + ": " + ex.getMessage());
        }
    }

    /** The base URL of a node that answers, from --endpoint or the first live node of --data. */
    String endpoint(final ApiClient api)
    {
        if (endpoint != null)
        {
            return given();
        }
        final LocalCluster cluster = new LocalCluster(data, System.out);
        final ClusterFile file;
        try
        {
            file = cluster.read();
        }
        catch (final java.io.IOException ex)
        {
            throw new CliException("cannot read " + ClusterFile.in(cluster.data()) + ": " + ex.getMessage());
        }
        for (final ClusterFile.Node node : file.nodes())
        {
            if (api.status(node.http() + "/alive") == 200)
            {
                return node.http();
            }
        }
        throw new CliException("no node of the cluster in " + cluster.data() + " answers " +
            List.of(file.nodes().stream().map(ClusterFile.Node::http).toArray()) + "; is it running? (cistern status)");
    }

    /** --endpoint as a base URL, or a user error that says what a base URL looks like. */
    private String given()
    {
        final String example = "name the scheme, host and port, e.g. --endpoint http://127.0.0.1:7626";
        final URI uri;
        try
        {
            uri = new URI(endpoint);
        }
        catch (final URISyntaxException ex)
        {
            throw new CliException.Usage("--endpoint=" + endpoint + ": not a URL (" + ex.getReason() + " at index " + ex.getIndex() + "); " + example);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()))
        {
            throw new CliException.Usage("--endpoint=" + endpoint + ": " + (uri.getScheme() == null ? "no scheme" : "the scheme is not http or https") +
                "; " + example);
        }
        if (uri.getHost() == null)
        {
            throw new CliException.Usage("--endpoint=" + endpoint + ": no host; " + example);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || !uri.getRawPath().replaceAll("/+", "").isEmpty())
        {
            throw new CliException.Usage("--endpoint=" + endpoint + ": a node's base URL has no path, query or fragment; " + example);
        }
        return endpoint.replaceAll("/+$", "");
    }

    /**
     * GETs an API document from the cluster. With {@code raw} it is printed as the API sent it (for
     * scripts) and null is returned; otherwise it is returned parsed, for a table.
     */
    com.fasterxml.jackson.databind.JsonNode document(final String path, final boolean raw)
    {
        return call("GET", path, null, raw);
    }

    /** Like {@link #document} for any method, with an optional JSON body. */
    com.fasterxml.jackson.databind.JsonNode call(final String method, final String path, final String body, final boolean raw)
    {
        final ApiClient api = client();
        final String url = endpoint(api) + path;
        final String answer = api.send(method, url, body);
        if (raw)
        {
            System.out.println(answer);
            return null;
        }
        return api.json(answer, url);
    }

    /** A client for this cluster: its token, and the cluster id its nodes must answer with. */
    ApiClient client()
    {
        return new ApiClient(Duration.ofSeconds(5), access());
    }

    /** The command this is mixed into: to tell a --data given from its default. */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /**
     * With --endpoint, the token given (--token, else $CISTERN_API_TOKEN, else the folder's when --data is given
     * too: never the default folder's, which would hand a local token to whatever the endpoint is); with --data,
     * the folder's token and cluster id.
     */
    ApiClient.Access access()
    {
        if (endpoint != null)
        {
            String given = token != null ? token : System.getenv("CISTERN_API_TOKEN");
            if (given == null && mixee != null && mixee.commandLine().getParseResult().hasMatchedOption("--data"))
            {
                given = access(new LocalCluster(data, System.out).data()).token();
            }
            return new ApiClient.Access(given, null, null);
        }
        return access(new LocalCluster(data, System.out).data());
    }

    /** The token and cluster id of the local cluster in {@code folder}; none if it has no cluster (yet). */
    static ApiClient.Access access(final Path folder)
    {
        try
        {
            final String id = java.nio.file.Files.exists(ClusterFile.in(folder)) ? ClusterFile.read(folder).id() : null;
            return new ApiClient.Access(ClusterFile.token(folder), id, folder.toString());
        }
        catch (final java.io.IOException ex)
        {
            throw new CliException("cannot read " + folder + ": " + ex.getMessage());
        }
    }
}
