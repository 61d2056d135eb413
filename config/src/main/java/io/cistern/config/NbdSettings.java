package io.cistern.config;

import java.time.Duration;

/**
 * The node's NBD server.
 *
 * @param port             TCP port it listens on.
 * @param handshakeTimeout how long a client has to finish the handshake (pick an export) before it is closed.
 * @param maxConnections   connections served at once; more are refused.
 * @param maxHandshakes    connections still in the handshake at once; a new one beyond this closes the oldest.
 */
public record NbdSettings(int port, Duration handshakeTimeout, int maxConnections, int maxHandshakes)
{
}
