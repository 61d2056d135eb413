package io.cistern.config;

import java.time.Duration;

/**
 * The node's iSCSI target.
 *
 * @param port           TCP port it listens on.
 * @param loginTimeout   how long a connection has to finish its login before it is closed.
 * @param maxConnections connections served at once; more are refused.
 * @param maxLogins      connections still logging in at once; a new one beyond this closes the oldest.
 * @param portalGroup    this node's target portal group tag, distinct per node (1-65535).
 */
public record IscsiSettings(int port, Duration loginTimeout, int maxConnections, int maxLogins, int portalGroup)
{
}
