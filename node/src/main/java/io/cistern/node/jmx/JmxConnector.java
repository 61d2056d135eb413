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
 * password (the JDK's file format); on loopback without one it asks for nothing, like the JDK's local
 * attach. Closed with the node.
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

    public static JmxConnector start(final String host, final JmxSettings settings) throws IOException
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
