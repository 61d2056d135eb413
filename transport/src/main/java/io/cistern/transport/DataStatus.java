package io.cistern.transport;

/**
 * The outcome of a data-plane request, as carried in the status field of every reply frame and returned
 * by every {@link DataClient} call.
 * <p>
 * These numbers go on the wire: they are append-only. Never renumber or reuse one; retire it instead.
 * {@link #OK} is zero and every failure is negative, so {@code status < 0} is "did not happen as asked".
 * Some are decided by the server ({@link #STALE_EPOCH}, anything from {@link ExtentIo}), some by the
 * client without a reply ever arriving ({@link #TIMEOUT}, {@link #BACK_PRESSURED}, {@link #NOT_CONNECTED}).
 */
public final class DataStatus
{
    /** Done as asked. */
    public static final int OK = 0;
    /**
     * The request's layout epoch is not the one the server knows for the slab; no I/O was done. Refetch
     * the layout and retry.
     */
    public static final int STALE_EPOCH = -1;
    /** The data on the extent failed its checksum. */
    public static final int CHECKSUM_MISMATCH = -2;
    /** The offset or length falls outside the extent. */
    public static final int OUT_OF_RANGE = -3;
    /** The drive failed the I/O. */
    public static final int IO_ERROR = -4;
    /** The server holds no such extent of that volume and slab. */
    public static final int NO_SUCH_EXTENT = -5;
    /**
     * The request was sent but no reply came before the deadline. For a write, it may or may not have
     * been applied.
     */
    public static final int TIMEOUT = -6;
    /** The request could not be sent before its deadline: the stream or the in-flight slots were full. */
    public static final int BACK_PRESSURED = -7;
    /** The payload is larger than one frame may carry; the caller splits it. */
    public static final int TOO_LARGE = -8;
    /** No server was connected to the channel before the deadline, or the client is closed; nothing was sent. */
    public static final int NOT_CONNECTED = -9;
    /** The drive has failed an earlier write or flush and refuses every later operation (fail-stop). */
    public static final int FAILED_STOP = -10;
    /** The request's arguments or a frame's layout were invalid (negative length, payload not matching). */
    public static final int MALFORMED = -11;
    /** A SEQUENCED_WRITE or REPAIR reached a server that does not hold the slab's primary copy; nothing was done. */
    public static final int NOT_PRIMARY = -12;
    /**
     * A write to the range overtook a repair while the good bytes were being fetched, so the repair
     * changed nothing; read again.
     */
    public static final int OVERTAKEN = -13;
    /**
     * Decided by a front end, never sent: fewer than a majority of the slab's copies are in sync (or the
     * stale ones could not be marked), so the write is not acknowledged.
     */
    public static final int NO_QUORUM = -14;
    /**
     * The server's write-intent map of the slab cannot be trusted (damaged, or not of this extent): what
     * was written while a copy was out of sync is unknown, and a resync must copy everything.
     */
    public static final int MAP_LOST = -15;

    /**
     * Base of the DEGRADED range. A SEQUENCED_WRITE answered {@code DEGRADED_BASE - mask} was written to the
     * primary's copy, but the copies whose bits are set in {@code mask} (bit {@code c} for copy {@code c},
     * copies 0..15) did not confirm it: they failed, or did not answer in time. The front end gets those
     * copies marked stale before it acknowledges anything (see {@link #degraded}).
     */
    private static final int DEGRADED_BASE = -0x10000;
    private static final int COPY_MASK = 0xFFFF;

    /** The status of a mirrored write that the copies in {@code missedCopies} (a non-zero bit mask) did not take. */
    public static int degraded(final int missedCopies)
    {
        if (missedCopies == 0 || (missedCopies & ~COPY_MASK) != 0)
        {
            throw new IllegalArgumentException("a degraded write names 1..16 copies in bits 0..15, not " + missedCopies);
        }
        return DEGRADED_BASE - missedCopies;
    }

    /** Whether {@code status} is {@link #degraded}: the primary has the write, some copies do not. */
    public static boolean isDegraded(final int status)
    {
        return status < DEGRADED_BASE && status >= DEGRADED_BASE - COPY_MASK;
    }

    /** The copies a {@link #degraded} status names, as a bit mask. */
    public static int missedCopies(final int status)
    {
        return isDegraded(status) ? DEGRADED_BASE - status : 0;
    }

    /**
     * Base of the MISCOMPARE range. A COMPARE_AND_WRITE answered {@code MISCOMPARE_BASE - index} wrote nothing:
     * the stored bytes differ from the compare half, first at byte {@code index} of it (see {@link #miscompare}).
     */
    private static final int MISCOMPARE_BASE = -0x40000000;
    private static final int MISCOMPARE_INDEX_LIMIT = 0x3FFFFFFF;

    /** The status of a COMPARE_AND_WRITE whose compare half first differed from the stored bytes at {@code index}. */
    public static int miscompare(final int index)
    {
        if (index < 0 || index > MISCOMPARE_INDEX_LIMIT)
        {
            throw new IllegalArgumentException("a miscompare names a byte 0.." + MISCOMPARE_INDEX_LIMIT + ", not " + index);
        }
        return MISCOMPARE_BASE - index;
    }

    /** Whether {@code status} is {@link #miscompare}: nothing was written. */
    public static boolean isMiscompare(final int status)
    {
        return status <= MISCOMPARE_BASE && status >= MISCOMPARE_BASE - MISCOMPARE_INDEX_LIMIT;
    }

    /** The byte of the compare half a {@link #miscompare} status names, or -1 if it is not one. */
    public static int miscompareIndex(final int status)
    {
        return isMiscompare(status) ? MISCOMPARE_BASE - status : -1;
    }

    private DataStatus()
    {
    }

    /**
     * A human-readable name and meaning for logs and error messages, not for the data path.
     *
     * @param status a status code.
     * @return its name and what it means.
     */
    public static String describe(final int status)
    {
        switch (status)
        {
            case OK:
                return "OK";
            case STALE_EPOCH:
                return "STALE_EPOCH: the layout epoch differs from the server's; refetch the layout and retry";
            case CHECKSUM_MISMATCH:
                return "CHECKSUM_MISMATCH: the data on the extent failed its checksum";
            case OUT_OF_RANGE:
                return "OUT_OF_RANGE: the offset or length falls outside the extent";
            case IO_ERROR:
                return "IO_ERROR: the drive failed the I/O";
            case NO_SUCH_EXTENT:
                return "NO_SUCH_EXTENT: the server holds no such extent";
            case TIMEOUT:
                return "TIMEOUT: no reply before the deadline; a write may or may not have been applied";
            case BACK_PRESSURED:
                return "BACK_PRESSURED: the request could not be sent before the deadline";
            case TOO_LARGE:
                return "TOO_LARGE: the payload exceeds the largest frame; split it";
            case NOT_CONNECTED:
                return "NOT_CONNECTED: no server connected before the deadline, or the client is closed";
            case FAILED_STOP:
                return "FAILED_STOP: the drive failed earlier and refuses further I/O";
            case MALFORMED:
                return "MALFORMED: invalid arguments or frame layout";
            case NOT_PRIMARY:
                return "NOT_PRIMARY: the server does not hold the slab's primary copy under that layout";
            case NO_QUORUM:
                return "NO_QUORUM: fewer than a majority of the slab's copies are in sync; the write is not acknowledged";
            case MAP_LOST:
                return "MAP_LOST: the write-intent map cannot be trusted; a resync must copy the whole extent";
            case OVERTAKEN:
                return "OVERTAKEN: a write to the range overtook the repair, which changed nothing; read again";
            default:
                if (isMiscompare(status))
                {
                    return "MISCOMPARE: the stored bytes differ from the compare half at byte " + miscompareIndex(status) +
                        "; nothing was written";
                }
                return isDegraded(status) ?
                    "DEGRADED: the primary has the write; copies " + Integer.toBinaryString(missedCopies(status)) +
                        " (bit per copy) did not confirm it" :
                    "UNKNOWN(" + status + ")";
        }
    }
}
