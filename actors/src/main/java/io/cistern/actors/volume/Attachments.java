package io.cistern.actors.volume;

/**
 * How a client attached to a volume is named: {@code <protocol>@<node>~<incarnation>#<n>(<peer>)}. The
 * node incarnation is in the name so that the health monitor can forget the attachments of a node
 * that died without detaching, as it does for that node's drives.
 */
public final class Attachments
{
    private Attachments()
    {
    }

    /** The prefix of every client id of one node incarnation, for one protocol. */
    public static String prefix(final String protocol, final String node, final long incarnation)
    {
        return protocol + "@" + node + "~" + Long.toUnsignedString(incarnation) + "#";
    }

    /** The node incarnation a client id names, or -1 if it names none (then nobody may detach it but its owner). */
    public static long incarnationOf(final String clientId)
    {
        final int tilde = clientId.indexOf('~');
        final int hash = clientId.indexOf('#', tilde + 1);
        if (tilde < 0 || hash < 0)
        {
            return -1;
        }
        try
        {
            return Long.parseUnsignedLong(clientId.substring(tilde + 1, hash));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
