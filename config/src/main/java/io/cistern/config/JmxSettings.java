package io.cistern.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's JMX connector. Cistern's MBeans ({@code io.cistern:*}) are always in the platform MBean
 * server (what a local {@code jconsole} or {@code jcmd} sees); this adds a remote connector (RMI) that a
 * standard JMX client reaches at {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}.
 *
 * @param port         the connector's port (registry and server share it); 0: no remote connector.
 * @param passwordFile a JMX password file ({@code user password} per line, readable by the node only); a
 *                     connector on an address other than loopback requires one.
 */
public record JmxSettings(int port, Path passwordFile)
{
    static JmxSettings read(final ConfigValues values, final String host)
    {
        final int port = values.intInRange("cistern.jmx.port", 0, 65535);
        final String file = values.string("cistern.jmx.password-file");
        final Path passwordFile = file == null || file.isEmpty() ? null : Path.of(file);
        if (passwordFile != null && !Files.isReadable(passwordFile))
        {
            values.problem("cistern.jmx.password-file", file, "is not a readable file");
        }
        // Not the API token: JMX reaches every MBean of the JVM (code can be loaded through some), over RMI in
        // the clear, and a token that travels with every API request must not open that beyond this host.
        if (port > 0 && passwordFile == null && !loopback(host))
        {
            values.problem("cistern.jmx.port", Integer.toString(port), "a JMX connector on " + host
                + " (not loopback) needs cistern.jmx.password-file");
        }
        return new JmxSettings(port, passwordFile);
    }

    private static boolean loopback(final String host)
    {
        return host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }
}
