package io.cistern.node.frontend.iscsi;

/**
 * This node's network portal: where initiators reach its target, and the portal group it is in (one per
 * node, so that the same volume through two nodes is two paths to one logical unit).
 *
 * @param groupTag     the target portal group tag, 1-based and distinct per node.
 */
record Portal(String host, int port, int groupTag)
{
    /** How SendTargets names it (section 13.8 / appendix C): {@code address:port,tag}. */
    String address()
    {
        final String address = host.contains(":") ? "[" + host + "]" : host;
        return address + ":" + port + "," + groupTag;
    }
}
