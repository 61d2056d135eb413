package io.cistern.transport;

/**
 * The layout of a data-plane frame: a fixed 56-byte header, all fields little-endian, then the payload.
 * <p>
 * Requests and replies share the header. Fields are ordered so that every one is naturally aligned
 * (8-byte fields at multiples of 8), which keeps reads single instructions and the header a whole number
 * of longs. A reply echoes the request's header with its own type, status and length, except that a
 * {@link DataStatus#STALE_EPOCH} reply carries the server's epoch for the slab (-1 when unknown), so the
 * client can tell a stale layout of its own from a server that has not caught up yet.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Type (u16)           |          Flags (u16)          |  0
 *  +-------------------------------+-------------------------------+
 *  |                        Status (i32)                           |  4
 *  +---------------------------------------------------------------+
 *  |                     Correlation ID (i64)                      |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Client ID (i32)                         | 16
 *  +---------------------------------------------------------------+
 *  |                          Slab (i32)                           | 20
 *  +---------------------------------------------------------------+
 *  |                       Volume ID (i64)                         | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Epoch (i64, layout epoch)                   | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |               Offset (i64, bytes within the extent)           | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Copy (i32, extent of the slab)                | 48
 *  +---------------------------------------------------------------+
 *  |                         Length (i32)                          | 52
 *  +---------------------------------------------------------------+
 *  |              Payload: WRITE and READ_REPLY only              ...  56
 *  +---------------------------------------------------------------+
 * </pre>
 * Length is the payload's size for WRITE and READ_REPLY, the bytes asked for in a READ, and zero
 * otherwise (a REPAIR's length is the range to rewrite). Flags: bit 0 is {@link #FLAG_FUA} (force unit
 * access: the write is durable before it is acknowledged); bit 1 is {@link #FLAG_PEER} (the request comes
 * from a primary's {@link Forwarder} and is answered on the peer reply stream); bit 2 is {@link #FLAG_AGAIN}
 * (a COMPARE_AND_WRITE sent again); the others are zero and reserved. A COMPARE_AND_WRITE's length is its
 * payload's, both halves.
 */
public final class DataFrame
{
    public static final int TYPE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 2;
    public static final int STATUS_OFFSET = 4;
    public static final int CORRELATION_ID_OFFSET = 8;
    public static final int CLIENT_ID_OFFSET = 16;
    public static final int SLAB_OFFSET = 20;
    public static final int VOLUME_ID_OFFSET = 24;
    public static final int EPOCH_OFFSET = 32;
    public static final int OFFSET_OFFSET = 40;
    public static final int COPY_OFFSET = 48;
    public static final int LENGTH_OFFSET = 52;
    public static final int HEADER_LENGTH = 56;
    public static final int PAYLOAD_OFFSET = HEADER_LENGTH;

    /** Force unit access: acknowledge the write only once it is durable. */
    public static final int FLAG_FUA = 0x1;
    /** Sent by a primary to another copy's server: answer on the peer reply stream. */
    public static final int FLAG_PEER = 0x2;
    /**
     * A COMPARE_AND_WRITE sent again after an attempt whose outcome is unknown (no answer, a new primary, a
     * refreshed layout): that attempt may have written, so stored bytes equal to the write half count as a
     * match too, and the write is sequenced again (the same bytes) so every copy has it.
     */
    public static final int FLAG_AGAIN = 0x4;

    private DataFrame()
    {
    }
}
