package io.cistern.node.frontend.nbd;

import java.nio.ByteBuffer;

/**
 * What an NBD export reads and writes. Results are NBD error numbers ({@link Nbd#EIO} and friends), 0
 * for success: the protocol carries an errno per request, and so does this interface.
 * Ranges are checked by the server before a call; an implementation may still refuse with EINVAL.
 */
public interface BlockDevice
{
    long size();

    /** Fills {@code dst} (its remaining bytes) from {@code offset}. */
    int read(long offset, ByteBuffer dst);

    /** Writes {@code src}'s remaining bytes at {@code offset}; {@code fua}: durable before returning. */
    int write(long offset, ByteBuffer src, boolean fua);

    /** Makes every completed write durable. */
    int flush();

    int trim(long offset, long length, boolean fua);

    int writeZeroes(long offset, long length, boolean fua);

    /** True if a flush on one connection covers writes completed on every other (NBD_FLAG_CAN_MULTI_CONN). */
    boolean flushCoversAllConnections();

    /**
     * A device on the same export that another thread may use at the same time as this one: the server
     * serves a connection's requests in parallel, one view per worker. A thread-safe device returns itself.
     */
    default BlockDevice concurrentView()
    {
        return this;
    }
}
