package io.cistern.actors.reservation;

import io.cistern.actors.serialization.CisternSerializable;

/**
 * One PERSISTENT RESERVE OUT as the logical unit decoded it (SPC-4 6.16): the service action, the scope
 * and type from the CDB, and the basic parameter list's keys and flags.
 */
public record PrOut(Nexus nexus, int action, int scope, int type, long key, long serviceActionKey,
                    boolean allTargetPorts, boolean aptpl) implements CisternSerializable
{
    public static final int REGISTER = 0;
    public static final int RESERVE = 1;
    public static final int RELEASE = 2;
    public static final int CLEAR = 3;
    public static final int PREEMPT = 4;
    public static final int PREEMPT_AND_ABORT = 5;
    public static final int REGISTER_AND_IGNORE_EXISTING_KEY = 6;
    public static final int REGISTER_AND_MOVE = 7;
}
