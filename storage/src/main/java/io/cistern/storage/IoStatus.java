package io.cistern.storage;

/**
 * The answers of extent I/O: what happened to a read or a write, as a value the data server turns
 * into its protocol's error code. Only bugs throw.
 * <p>
 * The values are append-only: a retired one keeps its number, a new one takes the next.
 */
public final class IoStatus
{
    /** Done: every byte moved, every checksum held. */
    public static final int OK = 0;

    /**
     * A block failed its CRC32C (see {@link ExtentFile#lastBadBlock()}); no byte of it was handed out
     * or rewritten. Repair the block from another copy.
     */
    public static final int CHECKSUM_MISMATCH = -1;

    /** Offset or length outside the extent (or negative); nothing was read or written. */
    public static final int OUT_OF_RANGE = -2;

    /** The operating system refused the I/O; for a write or force the extent is now failed-stop. */
    public static final int IO_ERROR = -3;

    /** An earlier write or force failed, so this extent takes no more writes (see {@link ExtentFile#failure()}). */
    public static final int FAILED_STOP = -4;

    private IoStatus()
    {
    }

    public static String describe(final int status)
    {
        switch (status)
        {
            case OK:
                return "ok";
            case CHECKSUM_MISMATCH:
                return "checksum mismatch";
            case OUT_OF_RANGE:
                return "out of range";
            case IO_ERROR:
                return "I/O error";
            case FAILED_STOP:
                return "failed-stop after an earlier I/O error";
            default:
                return "unknown status " + status;
        }
    }
}
