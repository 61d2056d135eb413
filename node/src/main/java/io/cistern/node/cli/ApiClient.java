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

    private final HttpClient http;
    private final Duration timeout;

    ApiClient(final Duration timeout)
    {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The HTTP status of a GET, or -1 if nothing answered. */
    int status(final String url)
    {
        try
        {
            return http.send(request(url), HttpResponse.BodyHandlers.discarding()).statusCode();
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
        try
        {
            final HttpResponse<String> response = http.send(request(url), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2)
            {
                throw new CliException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
        catch (final IOException ex)
        {
            throw new CliException("GET " + url + " failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    JsonNode getJson(final String url)
    {
        final String text = getText(url);
        try
        {
            return JSON.readTree(text);
        }
        catch (final IOException ex)
        {
            throw new CliException("GET " + url + " did not answer JSON: " + ex.getMessage());
        }
    }

    private HttpRequest request(final String url)
    {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    }
}
