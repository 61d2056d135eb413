package io.cistern.node.jmx;

import io.cistern.config.JmxSettings;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's remote JMX connector: the JDK's RMI connector on one port ({@code cistern.jmx.port}, registry
 * and server alike, bound to the node's host only), so {@code jconsole HOST:PORT} or any JMX client reaches
 * the platform MBean server and Cistern's beans in it. With a password file it asks for a user and
 * password (the JDK's file format); without one, for user {@value #TOKEN_USER} and the API token when the
 * cluster has one; on loopback with neither it asks for nothing, like the JDK's local attach. Closed with
 * the node.
 */
public final class JmxConnector implements AutoCloseable
{
    private final Registry registry;
    private final JMXConnectorServer server;
    private final JMXServiceURL url;

    private JmxConnector(final Registry registry, final JMXConnectorServer server, final JMXServiceURL url)
    {
        this.registry = registry;
        this.server = server;
        this.url = url;
    }

    /** The user a JMX client names when it authenticates with the API token. */
    public static final String TOKEN_USER = "cistern";

    /**
     * @param apiToken the cluster's API token: without a password file, the connector asks for user
     *                 {@value #TOKEN_USER} and the token as the password (the API's door and JMX's are one key); null
     *                 for none.
     */
    public static JmxConnector start(final String host, final JmxSettings settings, final String apiToken) throws IOException
    {
        final InetAddress address = InetAddress.getByName(host);
        final RMIServerSocketFactory sockets = port -> new ServerSocket(port, 50, address);
        // The stubs the registry hands out must name this host, not whatever the JVM guesses.
        System.setProperty("java.rmi.server.hostname", host);
        final Registry registry = LocateRegistry.createRegistry(settings.port(), null, sockets);
        final Map<String, Object> environment = new HashMap<>();
        environment.put("jmx.remote.rmi.server.socket.factory", sockets);
        if (settings.passwordFile() != null)
        {
            environment.put("jmx.remote.x.password.file", settings.passwordFile().toString());
        }
        else if (apiToken != null)
        {
            final byte[] expected = apiToken.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            environment.put(JMXConnectorServer.AUTHENTICATOR, (javax.management.remote.JMXAuthenticator) credentials ->
            {
                if (credentials instanceof String[] given && given.length == 2 && TOKEN_USER.equals(given[0]) && given[1] != null
                    && java.security.MessageDigest.isEqual(expected, given[1].getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                {
                    return new javax.security.auth.Subject(true, java.util.Set.of(new javax.management.remote.JMXPrincipal(TOKEN_USER)),
                        java.util.Set.of(), java.util.Set.of());
                }
                throw new SecurityException("this node's JMX connector wants user " + TOKEN_USER +
                    " and the cluster's API token as the password (cistern.api.token; DATA/api-token of a local cluster)");
            });
        }
        final JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + settings.port() + "/jndi/rmi://" + host + ":"
            + settings.port() + "/jmxrmi");
        final JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url, environment,
            ManagementFactory.getPlatformMBeanServer());
        try
        {
            server.start();
        }
        catch (final IOException e)
        {
            UnicastRemoteObject.unexportObject(registry, true);
            throw e;
        }
        return new JmxConnector(registry, server, url);
    }

    public JMXServiceURL url()
    {
        return url;
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            server.stop();
        }
        finally
        {
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }
}
