package io.cistern.node.frontend.iscsi;

/**
 * A session's command numbering (RFC 7143 section 4.2.2.1): the CmdSN it expects next, and the window
 * of commands it takes ahead of that ({@link Iscsi#QUEUE_DEPTH}). Commands arrive in order on a session's
 * one connection; the slots that serve them push back once the window is used up.
 */
final class CommandWindow
{
    private int expected;

    synchronized void start(final int cmdSN)
    {
        expected = cmdSN;
    }

    /**
     * A command numbered {@code cmdSN} arrived: whether to serve it. An immediate command does not take a
     * number; one before the window is a duplicate, and one beyond it was sent against the rules: both
     * are dropped, as the RFC has it.
     */
    synchronized boolean arrived(final int cmdSN, final boolean immediate)
    {
        if (immediate)
        {
            return true;
        }
        final int ahead = cmdSN - expected; // serial number arithmetic
        if (ahead < 0 || ahead >= Iscsi.QUEUE_DEPTH)
        {
            return false;
        }
        expected = cmdSN + 1;
        return true;
    }

    synchronized int expected()
    {
        return expected;
    }

    synchronized int max()
    {
        return expected + Iscsi.QUEUE_DEPTH - 1;
    }
}
