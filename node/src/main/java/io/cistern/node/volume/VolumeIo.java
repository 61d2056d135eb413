package io.cistern.node.volume;

import java.nio.ByteBuffer;

/**
 * A volume as a front end sees it: the one, protocol-neutral seam between the block protocols (NBD,
 * iSCSI) and Cistern's volume I/O core. Results are {@link VolumeStatus} values; each front end maps
 * them to its protocol. See docs/architecture.md, "The volume I/O core".
 * <p>
 * An instance is used by one thread at a time; {@link #concurrentView()} gives another thread its own.
 */
public interface VolumeIo
{
    /** The volume's name (the NBD export name, the iSCSI LUN's volume). */
    String name();

    /**
     * An identifier no other volume of the pool has had, stable for the volume's life (iSCSI reports it as
     * the logical unit's NAA identifier and serial number, so that every path to it is the same disk).
     */
    long id();

    /** The size clients see, in bytes. */
    long size();

    /** Fills {@code dst}'s remaining bytes from {@code offset}; on {@link VolumeStatus#OK} its position is at its limit. */
    VolumeStatus read(long offset, ByteBuffer dst);

    /**
     * Writes {@code src}'s remaining bytes at {@code offset} ({@code fua}: durable before returning); on
     * {@link VolumeStatus#OK} its position is at its limit.
     */
    VolumeStatus write(long offset, ByteBuffer src, boolean fua);

    /**
     * SCSI's COMPARE AND WRITE: {@code src} holds {@code 2n} bytes, the {@code n} to compare with the volume's at
     * {@code offset} and the {@code n} to write there only if they are equal, as one step against every other
     * write of the volume through any node. On {@link VolumeStatus#MISCOMPARE} nothing was written and
     * {@code src}'s position is at the first byte of the compare half that differed; on {@link VolumeStatus#OK}
     * it is at its limit.
     */
    VolumeStatus compareAndWrite(long offset, ByteBuffer src, boolean fua);

    /** Makes every completed write durable. */
    VolumeStatus flush();

    /** The range may read back as zeroes afterwards (it does, here). */
    VolumeStatus trim(long offset, long length, boolean fua);

    /** The range reads back as zeroes afterwards; never-written regions of a thin volume stay unallocated. */
    VolumeStatus writeZeroes(long offset, long length, boolean fua);

    /** True if a flush through one view covers writes completed through every other (NBD_FLAG_CAN_MULTI_CONN). */
    boolean flushCoversAllConnections();

    /**
     * A view of the same volume that another thread may use at the same time as this one. A thread-safe
     * implementation returns itself.
     */
    default VolumeIo concurrentView()
    {
        return this;
    }

    /** Whether {@code offset}+{@code length} lies within a volume of {@code size} bytes (overflow-safe). */
    static boolean inRange(final long size, final long offset, final long length)
    {
        return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
    }
}
