package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's side of a node's HTTP API. */
final class ApiClient
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER_HEADER = "Cistern-Cluster";

    /**
     * What the CLI shows a node and expects of it.
     *
     * @param token     the API's bearer token, or null.
     * @param clusterId the id the node must answer with, or null for any (an --endpoint, or a folder without one).
     * @param folder    where the id came from, for the message when a node answers with another.
     */
    record Access(String token, String clusterId, String folder)
    {
        static final Access NONE = new Access(null, null, null);
    }

    private final HttpClient http;
    private final Duration timeout;
    private final Access access;

    ApiClient(final Duration timeout)
    {
        this(timeout, Access.NONE);
    }

    ApiClient(final Duration timeout, final Access access)
    {
        this.timeout = timeout;
        this.access = access;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The same access with another timeout. */
    ApiClient withTimeout(final Duration other)
    {
        return new ApiClient(other, access);
    }

    /** Base URLs whose node answered with the expected cluster id: checked once each, before anything is sent to them. */
    private final java.util.Set<String> verified = new java.util.HashSet<>();

    /** The HTTP status of a GET on an open route ({@code /alive}, {@code /ready}: no token goes there), or -1 if nothing answered. */
    int status(final String url)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String getText(final String url)
    {
        return send("GET", url, null);
    }

    /**
     * Sends a request and returns the body of a 2xx answer. Any other answer becomes a CliException
     * with the API's own error message: a refusal of the request for a 4xx, the cluster's failure otherwise.
     */
    String send(final String method, final String url, final String jsonBody)
    {
        verify(url);
        final HttpRequest.Builder request = authorized(HttpRequest.newBuilder(URI.create(url)).timeout(timeout));
        if (jsonBody != null)
        {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        else
        {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try
        {
            final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2)
            {
                String message = response.body();
                try
                {
                    final JsonNode error = JSON.readTree(message).path("error");
                    if (error.isTextual())
                    {
                        message = error.asText();
                    }
                }
                catch (final IOException notJson)
                {
                    // keep the body as it is
                }
                final String said = message + " (" + method + " " + url + " answered " + response.statusCode() + ")";
                throw response.statusCode() / 100 == 4 ? new CliException.Usage(said) : new CliException(said);
            }
            return response.body();
        }
        catch (final java.net.http.HttpTimeoutException ex)
        {
            throw new CliException.TimedOut(method + " " + url + " got no answer within " + timeout.toSeconds() + " s");
        }
        catch (final IOException ex)
        {
            throw new CliException(method + " " + url + " failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    JsonNode getJson(final String url)
    {
        return json(getText(url), url);
    }

    JsonNode json(final String text, final String url)
    {
        try
        {
            return JSON.readTree(text);
        }
        catch (final IOException ex)
        {
            throw new CliException(url + " did not answer JSON: " + ex.getMessage());
        }
    }


    /**
     * Before the first request to a node (and its token), asks the open description which cluster the node is
     * of: a request that acts must not reach another cluster's node, even to be refused after the fact.
     */
    private void verify(final String url)
    {
        if (access.clusterId() == null || !URI.create(url).getPath().startsWith("/api/"))
        {
            return;
        }
        final URI uri = URI.create(url);
        final String base = uri.getScheme() + "://" + uri.getRawAuthority();
        if (verified.contains(base))
        {
            return;
        }
        try
        {
            final HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.json")).timeout(timeout)
                .GET().build(), HttpResponse.BodyHandlers.discarding());
            checkCluster(answer, base + "/api/v1/openapi.json");
            verified.add(base);
        }
        catch (final java.net.http.HttpTimeoutException ex)
        {
            throw new CliException.TimedOut("GET " + base + "/api/v1/openapi.json got no answer within " + timeout.toSeconds() + " s");
        }
        catch (final IOException ex)
        {
            throw new CliException("GET " + base + "/api/v1/openapi.json failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private HttpRequest.Builder authorized(final HttpRequest.Builder request)
    {
        return access.token() == null ? request : request.header("Authorization", "Bearer " + access.token());
    }

    /**
     * A node of another cluster is not acted on: a stopped cluster's folder names ports that another cluster
     * may have taken since, and its nodes would take the command as their own.
     */
    private void checkCluster(final HttpResponse<?> response, final String url)
    {
        final String answered = response.headers().firstValue(CLUSTER_HEADER).orElse(null);
        if (!access.clusterId().equals(answered))
        {
            throw new CliException(url + " is not a node of the cluster in " + access.folder() + " (cluster " + access.clusterId() +
                "): it answers for " + (answered == null ? "no cluster id" : "cluster " + answered) +
                "; is another cluster using the ports of this one? (cistern status --data " + access.folder() + ")");
        }
    }
}
