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
 * @param chap           the CHAP credentials every initiator must log in with, or null: none asked.
 */
public record IscsiSettings(int port, Duration loginTimeout, int maxConnections, int maxLogins, int portalGroup, Chap chap)
{
    /**
     * One-way CHAP (RFC 7143 section 12.1.3): the name and secret an initiator proves it knows.
     * {@code toString} does not print the secret.
     */
    public record Chap(String user, String secret)
    {
        @Override
        public String toString()
        {
            return "Chap[user=" + user + ", secret=(" + secret.length() + " characters)]";
        }
    }
}
