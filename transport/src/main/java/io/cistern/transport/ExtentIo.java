package io.cistern.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a {@link DataServer} calls to touch the node's extents: the seam between the wire and the drives.
 * <p>
 * Called only from the server's agent thread, one request at a time, so an implementation needs no
 * locking of its own for the server's sake. Every method returns a {@link DataStatus} code; expected
 * failures (a bad checksum, an offset past the end, a failed drive) are return values, never exceptions.
 * An exception is treated as a bug: the server counts it, reports it to its error handler and answers
 * {@link DataStatus#IO_ERROR}.
 */
public interface ExtentIo
{
    /**
     * Read exactly {@code length} bytes at {@code offset} of an extent into {@code dst}.
     *
     * @return {@link DataStatus#OK} when all {@code length} bytes are in {@code dst}, otherwise a failure.
     */
    int read(long volumeId, int slab, int copy, long offset, int length, MutableDirectBuffer dst, int dstOffset);

    /**
     * Write {@code length} bytes from {@code src} at {@code offset} of an extent.
     *
     * @param fua force unit access: return only once the bytes are durable, not merely cached.
     * @return {@link DataStatus#OK} when written (durably if {@code fua}), otherwise a failure.
     */
    int write(long volumeId, int slab, int copy, long offset, DirectBuffer src, int srcOffset, int length, boolean fua);

    /**
     * Make every write of the volume this node has acknowledged durable.
     *
     * @return {@link DataStatus#OK} when durable, otherwise a failure.
     */
    int flush(long volumeId);

    /**
     * The slab's layout has reached {@code epoch} elsewhere: serve nothing of it under an older one until
     * this node learns that layout ({@link FrameType#FENCE}).
     *
     * @return {@link DataStatus#OK} once older epochs are refused.
     */
    int fence(long volumeId, int slab, long epoch);

    /**
     * The layout epoch this node knows for the slab, against which every request is fenced.
     *
     * @return the epoch, or -1 when this node does not know the slab.
     */
    long epoch(long volumeId, int slab);

    /**
     * The slab's primary copy under the layout the last {@link #epoch} check saw: the copy whose server
     * sequences the slab's writes (DESIGN section 4).
     *
     * @return the copy index, or a negative {@link DataStatus} (the slab is unknown here, or has no in-sync copy).
     */
    int primaryCopy(long volumeId, int slab);

    /**
     * The other copies of the slab that take its writes, under the layout the last {@link #epoch} check
     * saw: the in-sync ones, then those being resynced or rebuilt. Where a primary fans a write out to;
     * a repair takes good bytes only from an in-sync one.
     *
     * @param copies   receives each copy's index.
     * @param channels receives the data server channel of each copy's node, null for a copy on this node, or
     *                 {@link #UNREACHABLE} for a copy whose node is not in the cluster (it misses the write).
     * @param inSync   receives whether each copy is in sync (may serve as a source of good bytes).
     * @return how many (at most the arrays' length), or a negative {@link DataStatus}.
     */
    int mirrors(long volumeId, int slab, int[] copies, String[] channels, boolean[] inSync);

    /**
     * The bytes of a write-intent map's region: what {@link #dirtyMap} counts in. A protocol constant, so
     * a resync knows the reply's length from the extent's.
     */
    int MAP_REGION_BYTES = 1 << 20;

    /** The payload length of a {@link FrameType#DIRTY_MAP} reply for an extent of {@code extentBytes}. */
    static int dirtyMapLength(final long extentBytes)
    {
        final long regions = (extentBytes + MAP_REGION_BYTES - 1) / MAP_REGION_BYTES;
        return (int)(16 + (regions + 63) / 64 * 8);
    }

    /**
     * This server's write-intent map of a slab, under the layout the last {@link #epoch} check saw, from its
     * in-sync copy: at {@code dst[dstOffset]} the epoch tracking began (long, -1 if this server never
     * tracked: nothing was written here while a copy was out of sync), the region size (int), the region
     * count (int), then the bitmap as little-endian longs, {@code length} bytes in all.
     *
     * @return OK, {@link DataStatus#MAP_LOST}, or another negative {@link DataStatus}.
     */
    int dirtyMap(long volumeId, int slab, MutableDirectBuffer dst, int dstOffset, int length);

    /** The channel {@link #mirrors} names for a copy whose node cannot be reached at all. */
    String UNREACHABLE = "unreachable";
}
