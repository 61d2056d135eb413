package io.cistern.node.volume.redundancy;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.SlabLayout;

import java.nio.ByteBuffer;

/**
 * What a redundancy strategy may ask of the data plane and the control plane for one volume: the port
 * it is written against. The node's implementation moves frames over Aeron and asks the Slab entities;
 * tests give strategies an in-memory one, so every decision is exercised without a process.
 * <p>
 * Data-plane calls return {@link io.cistern.transport.DataStatus} codes. Byte buffers are read from or
 * written to at their position; positions are not moved. One instance serves one thread.
 */
public interface SlabAccess
{
    /** The node this runs on: a copy here may be read without a network hop. */
    String localNode();

    /** The layout this node's data server fences with for the slab now, or null if it knows none. */
    SlabLayout current(long volumeId, int slab);

    /**
     * A newer layout after a server refused {@code stale}'s epoch (waiting briefly for the control plane
     * to catch up); {@code stale} itself if there is none yet; null if the slab is no longer placed (its
     * volume was deleted).
     */
    SlabLayout refresh(SlabLayout stale);

    /**
     * Has the Slab entity mark {@code copies} (a bit per copy) stale for missing a write to
     * {@code inExtent}+{@code length}, persisted, before the caller acknowledges anything.
     *
     * @return the layout after the mark, or null if it could not be made.
     */
    SlabLayout markStale(SlabLayout layout, int copies, long inExtent, long length);

    /**
     * Reads a copy on this node straight from its file, checking each block's checksum.
     *
     * @return whether {@code dst} holds the bytes, verified; if not, read the copy with {@link #read}.
     */
    boolean readLocal(SlabLayout layout, Extent copy, long inExtent, int length, ByteBuffer dst);

    /**
     * Reads {@code length} bytes of a copy through its node's data server, in order with its writes, waiting at
     * most {@code patienceNs} for the answer (0: the data plane's request timeout).
     */
    int read(SlabLayout layout, Extent copy, long inExtent, int length, ByteBuffer dst, long patienceNs);

    /**
     * Sends a write to the data server of {@code sequencer}, which writes its copy and forwards the write
     * to the slab's other copies in the order it takes the slab's writes, and answers once they have it
     * (or names those that did not: {@link io.cistern.transport.DataStatus#isDegraded}).
     */
    int sequencedWrite(SlabLayout layout, Extent sequencer, long inExtent, ByteBuffer src, int length, boolean fua);

    /**
     * COMPARE AND WRITE through the data server of {@code sequencer}: {@code src} holds the {@code length} bytes
     * to compare with the sequencer's copy at {@code inExtent}, then the {@code length} to write if they are
     * equal, which are then sequenced like {@link #sequencedWrite}.
     *
     * @param again an earlier attempt of this one's outcome is unknown: bytes equal to the write half match too.
     * @return as {@link #sequencedWrite}, or {@link io.cistern.transport.DataStatus#miscompare} (nothing written).
     */
    int compareAndWrite(SlabLayout layout, Extent sequencer, long inExtent, ByteBuffer src, int length, boolean fua, boolean again);

    /** Has {@code sequencer}'s server rewrite a range of copy {@code badCopy} from a good copy, in order with writes. */
    int repair(SlabLayout layout, Extent sequencer, int badCopy, long inExtent, int length);

    /** Has {@code node}'s data server make every write of the volume it acknowledged durable. */
    int flush(String node, long volumeId);
}
