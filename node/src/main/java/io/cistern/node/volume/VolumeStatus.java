package io.cistern.node.volume;

import io.cistern.transport.DataStatus;

/**
 * The outcome of a volume I/O, in Cistern's own terms: what a front end tells its client, each in its
 * protocol's words (NBD an errno, iSCSI sense data). Expected outcomes are values, never exceptions, and
 * enum constants cost nothing on the data path.
 */
public enum VolumeStatus
{
    /** Done as asked. */
    OK("done"),
    /** The range lies (partly) outside the volume. */
    OUT_OF_RANGE("the range lies outside the volume"),
    /** The request is malformed (a negative length, a buffer that cannot hold it). */
    INVALID("the request is malformed"),
    /** No copy could serve the bytes: every copy failed the I/O or its checksum. */
    IO_ERROR("the data could not be read or written on any copy"),
    /**
     * Too few copies can be reached, or the control plane could not be asked in time: nothing was
     * acknowledged. Retrying later may succeed.
     */
    UNAVAILABLE("too few copies can be reached to do it safely"),
    /** A thin volume's slab could not be placed: the pool has no room. */
    NO_SPACE("the pool has no room for the slab"),
    /** This client may no longer use the volume: it was deleted, or its access revoked. */
    FENCED("the volume was deleted or this client's access revoked"),
    /** The volume takes no writes. */
    READ_ONLY("the volume is read-only"),
    /** A compare-and-write found other bytes than those it was to compare: nothing was written. */
    MISCOMPARE("the stored bytes differ from those compared; nothing was written"),
    /** A persistent reservation another initiator holds refuses this client the access (an NBD client is never registered). */
    RESERVED("another initiator holds a persistent reservation of the volume");

    private final String meaning;

    VolumeStatus(final String meaning)
    {
        this.meaning = meaning;
    }

    /** What it means, for a log line or an error message (never parsed). */
    public String meaning()
    {
        return meaning;
    }

    /**
     * What a data-plane status means for the client: the data plane's failures are finer-grained, and a
     * client can act only on these.
     */
    public static VolumeStatus of(final int dataStatus)
    {
        switch (dataStatus)
        {
            case DataStatus.OK:
                return OK;
            case DataStatus.OUT_OF_RANGE:
                return OUT_OF_RANGE;
            case DataStatus.MALFORMED:
            case DataStatus.TOO_LARGE:
                return INVALID;
            case DataStatus.NO_QUORUM:
            case DataStatus.TIMEOUT:
            case DataStatus.NOT_CONNECTED:
            case DataStatus.BACK_PRESSURED:
            case DataStatus.STALE_EPOCH:
            case DataStatus.NOT_PRIMARY:
            case DataStatus.NO_SUCH_EXTENT:
                return UNAVAILABLE;
            default:
                return DataStatus.isMiscompare(dataStatus) ? MISCOMPARE : IO_ERROR;
        }
    }
}
