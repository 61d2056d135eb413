package io.cistern.config;

/** A {@code host:port} endpoint as written in configuration. */
public record HostPort(String host, int port)
{
    @Override
    public String toString()
    {
        return host + ":" + port;
    }
}
