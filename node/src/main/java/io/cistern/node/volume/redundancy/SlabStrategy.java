package io.cistern.node.volume.redundancy;

import io.cistern.actors.volume.SlabLayout;

import java.nio.ByteBuffer;

/**
 * How a resiliency reads, writes and flushes a volume's slabs: everything that differs between a mirror
 * and parity lives behind this, one implementation per {@link Redundancy}. The volume core cuts requests
 * at slab and frame boundaries and finds layouts; the strategy decides which extents to touch, what a
 * partial answer means and what to repair. Results are {@link io.cistern.transport.DataStatus} codes.
 * <p>
 * One instance serves one thread (it may keep buffers); the volume core makes one per view.
 */
public interface SlabStrategy
{
    /**
     * Reads {@code length} bytes at {@code inExtent} of the slab (within one frame) into {@code dst} at its
     * position; the position is not moved.
     */
    int read(SlabLayout layout, long inExtent, int length, ByteBuffer dst);

    /** Writes {@code length} bytes from {@code src} at its position; the position is not moved. */
    int write(SlabLayout layout, long inExtent, ByteBuffer src, int length, boolean fua);

    /**
     * COMPARE AND WRITE of {@code length} bytes (within one frame): {@code src} holds the compare half then the
     * write half from its position, which is not moved; one step against every other write of the slab.
     *
     * @return a write's status, or {@link io.cistern.transport.DataStatus#miscompare} (nothing written).
     */
    int compareAndWrite(SlabLayout layout, long inExtent, ByteBuffer src, int length, boolean fua);

    /** Makes every write acknowledged so far durable, on every node that holds one of the volume's slabs. */
    int flush(long volumeId, int slabCount);
}
