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
    /**
     * Write the payload through the server that sequences the slab's writes (its primary): it writes its own
     * extent and fans the write out to the slab's other extents the layout gives it, in the order it took
     * the writes, so every extent sees the slab's writes in one order. Answered by
     * {@link #SEQUENCED_WRITE_REPLY} once every extent has it, or naming those that do not. (Wire number 7
     * was called MIRROR_WRITE before; the frame is the same.)
     */
    public static final int SEQUENCED_WRITE = 7;
    /** The sequenced write's status: OK, or which extents missed it; no payload. */
    public static final int SEQUENCED_WRITE_REPLY = 8;
    /**
     * Rewrite {@code length} bytes at {@code offset} of copy {@code copy}, which failed its checksum, from a
     * good copy; sent to the slab's primary, so the repair is ordered with the slab's writes. Answered by
     * {@link #REPAIR_REPLY}.
     */
    public static final int REPAIR = 9;
    /** The repair's status; no payload. */
    public static final int REPAIR_REPLY = 10;
    /**
     * Asks the server for its write-intent map of a slab (what was written there while a copy was out of
     * sync), for a resync. The request's length is the reply's payload length: 16 bytes of header (since
     * epoch, region size, region count) and the bitmap's words. See {@link ExtentIo#dirtyMap}.
     */
    public static final int DIRTY_MAP = 11;
    public static final int DIRTY_MAP_REPLY = 12;
    /**
     * The slab's layout has reached {@code epoch} (copies on this server were marked stale there): until the
     * server learns that layout it serves nothing of the slab under an older one. Sent by the front end
     * that had the copies marked, before it acknowledges the write, so a node whose news lags cannot
     * serve a read from a copy that missed it. Answered by {@link #FENCE_REPLY}; no payload either way.
     */
    public static final int FENCE = 13;
    public static final int FENCE_REPLY = 14;
    /**
     * SCSI's COMPARE AND WRITE, sequenced like {@link #SEQUENCED_WRITE} and sent to the slab's primary: the
     * payload is two halves of {@code length / 2} bytes. The primary compares the first half with its own copy
     * at {@code offset} and, only if they are equal, writes the second half there and to the slab's other
     * copies, as a sequenced write. Because the primary takes the slab's writes one at a time, whichever node
     * they came through, nothing can come between the compare and the write. Answered by
     * {@link #COMPARE_AND_WRITE_REPLY}: a sequenced write's status, or {@link DataStatus#miscompare} naming the
     * first byte that differed (nothing written).
     */
    public static final int COMPARE_AND_WRITE = 15;
    public static final int COMPARE_AND_WRITE_REPLY = 16;

    private FrameType()
    {
    }

    public static boolean isRequest(final int type)
    {
        return type == READ || type == WRITE || type == FLUSH || type == SEQUENCED_WRITE || type == REPAIR || type == DIRTY_MAP ||
            type == FENCE || type == COMPARE_AND_WRITE;
    }

    public static boolean isReply(final int type)
    {
        return type == READ_REPLY || type == WRITE_REPLY || type == FLUSH_REPLY || type == SEQUENCED_WRITE_REPLY ||
            type == REPAIR_REPLY || type == DIRTY_MAP_REPLY || type == FENCE_REPLY ||
            type == COMPARE_AND_WRITE_REPLY;
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
            case SEQUENCED_WRITE:
                return "SEQUENCED_WRITE";
            case SEQUENCED_WRITE_REPLY:
                return "SEQUENCED_WRITE_REPLY";
            case REPAIR:
                return "REPAIR";
            case REPAIR_REPLY:
                return "REPAIR_REPLY";
            case DIRTY_MAP:
                return "DIRTY_MAP";
            case DIRTY_MAP_REPLY:
                return "DIRTY_MAP_REPLY";
            case FENCE:
                return "FENCE";
            case FENCE_REPLY:
                return "FENCE_REPLY";
            case COMPARE_AND_WRITE:
                return "COMPARE_AND_WRITE";
            case COMPARE_AND_WRITE_REPLY:
                return "COMPARE_AND_WRITE_REPLY";
            default:
                return "UNKNOWN(" + type + ")";
        }
    }
}
