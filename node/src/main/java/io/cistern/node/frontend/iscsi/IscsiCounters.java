package io.cistern.node.frontend.iscsi;

import java.util.concurrent.atomic.LongAdder;

/** What the iSCSI target has served and refused, counted rather than logged per PDU. */
public final class IscsiCounters
{
    final LongAdder connections = new LongAdder();
    final LongAdder sessions = new LongAdder();
    final LongAdder refusedLogins = new LongAdder();
    final LongAdder commands = new LongAdder();
    final LongAdder checkConditions = new LongAdder();
    final LongAdder rejects = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder refusedConnections = new LongAdder();
    final LongAdder evictedLogins = new LongAdder();
    final LongAdder loginTimeouts = new LongAdder();

    public long connections()
    {
        return connections.sum();
    }

    /** Logins that reached the full feature phase. */
    public long sessions()
    {
        return sessions.sum();
    }

    /** Logins refused with a login status other than success. */
    public long refusedLogins()
    {
        return refusedLogins.sum();
    }

    public long commands()
    {
        return commands.sum();
    }

    /** Commands answered with CHECK CONDITION. */
    public long checkConditions()
    {
        return checkConditions.sum();
    }

    /** PDUs answered with a Reject. */
    public long rejects()
    {
        return rejects.sum();
    }

    /** PDUs dropped: commands outside the CmdSN window, data for tasks that were refused or aborted. */
    public long dropped()
    {
        return dropped.sum();
    }

    public long refusedConnections()
    {
        return refusedConnections.sum();
    }

    public long evictedLogins()
    {
        return evictedLogins.sum();
    }

    public long loginTimeouts()
    {
        return loginTimeouts.sum();
    }
}
