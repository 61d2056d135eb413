package io.cistern.transport;

/**
 * The type field of a data frame: which request, or the reply to which request.
 * <p>
 * Wire numbers, append-only. Zero stays unused so that a zeroed buffer is never mistaken for a frame.
 * Every request type is odd and its reply is the next number, so {@link #replyTo(int)} is arithmetic.
 */
public final class FrameType
{
    /** Never sent: a zeroed header is not a frame. */
    public static final int UNUSED = 0;
    /** Read {@code length} bytes at {@code offset} of an extent; answered by {@link #READ_REPLY}. */
    public static final int READ = 1;
    /** The read's status, and on success exactly the requested bytes as payload. */
    public static final int READ_REPLY = 2;
    /** Write the payload at {@code offset} of an extent; answered by {@link #WRITE_REPLY}. */
    public static final int WRITE = 3;
    /** The write's status; no payload. */
    public static final int WRITE_REPLY = 4;
    /** Make every acknowledged write of the volume on this server durable; answered by {@link #FLUSH_REPLY}. */
    public static final int FLUSH = 5;
    /** The flush's status; no payload. */
    public static final int FLUSH_REPLY = 6;

    private FrameType()
    {
    }

    public static boolean isRequest(final int type)
    {
        return type == READ || type == WRITE || type == FLUSH;
    }

    public static boolean isReply(final int type)
    {
        return type == READ_REPLY || type == WRITE_REPLY || type == FLUSH_REPLY;
    }

    /**
     * @param requestType a request type.
     * @return the type of its reply.
     */
    public static int replyTo(final int requestType)
    {
        return requestType + 1;
    }

    public static String describe(final int type)
    {
        switch (type)
        {
            case READ:
                return "READ";
            case READ_REPLY:
                return "READ_REPLY";
            case WRITE:
                return "WRITE";
            case WRITE_REPLY:
                return "WRITE_REPLY";
            case FLUSH:
                return "FLUSH";
            case FLUSH_REPLY:
                return "FLUSH_REPLY";
            default:
                return "UNKNOWN(" + type + ")";
        }
    }
}
