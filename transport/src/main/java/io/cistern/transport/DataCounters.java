package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.Counter;

/**
 * Type ids of the data plane's Aeron counters: one counter per kind of per-I/O event, never a log line.
 * <p>
 * The counters live in the media driver's counters file, so AeronStat and the node's metrics read them
 * without touching the data path. Type ids are append-only, in a block clear of Aeron's own (below 1000).
 */
public final class DataCounters
{
    /** Requests a {@link DataServer} has decided (answered or not). */
    public static final int SERVER_REQUESTS_TYPE_ID = 1100;
    /** Requests refused with {@link DataStatus#STALE_EPOCH}. */
    public static final int SERVER_STALE_EPOCHS_TYPE_ID = 1101;
    /** Frames too short to be a request, or of a type that is not a request; dropped. */
    public static final int SERVER_MALFORMED_FRAMES_TYPE_ID = 1102;
    /** Replies not sent: unknown client, a client gone, or a reply stream full past the deadline. */
    public static final int SERVER_REPLIES_DROPPED_TYPE_ID = 1103;
    /** Exceptions caught at the server's boundary (bugs, answered with {@link DataStatus#IO_ERROR}). */
    public static final int SERVER_ERRORS_TYPE_ID = 1104;
    /** Client calls that were sent and got no reply before their deadline. */
    public static final int CLIENT_TIMEOUTS_TYPE_ID = 1110;
    /** Replies that arrived for a request no longer waiting (after its timeout). */
    public static final int CLIENT_LATE_REPLIES_TYPE_ID = 1111;

    private DataCounters()
    {
    }

    static Counter add(final Aeron aeron, final int typeId, final String label)
    {
        return aeron.addCounter(typeId, label);
    }
}
