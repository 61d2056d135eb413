package io.cistern.node.volume.redundancy;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.transport.DataStatus;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-memory data plane and control plane for one slab, so a redundancy strategy's decisions can be
 * tested without processes: each copy's bytes in an array, nodes that can be taken down (their servers
 * time out), blocks that fail their checksum, drives that fail stop, and a Slab entity that fences with
 * the layout epoch, marks copies stale and can itself be unreachable. The data servers behave as the
 * real ones do: a sequenced write goes to the sequencer's copy and then to every in-sync or rebuilding
 * copy, naming those that did not take it.
 */
public final class MemorySlabAccess implements SlabAccess
{
    public static final long VOLUME = 7;
    public static final int BLOCK = 4096;

    /** One mark the Slab entity persisted: which copies, and the range they missed. */
    public record Mark(int copies, long inExtent, long length)
    {
    }

    /** One repair a sequencer was asked for. */
    public record Repair(int badCopy, long inExtent, int length)
    {
    }

    private final String localNode;
    private final byte[][] copies;
    private final Set<String> down = new HashSet<>();
    private final java.util.Map<String, Integer> slow = new java.util.HashMap<>();
    private final Set<Integer> failedStop = new HashSet<>();
    private final List<Set<Long>> corrupt = new ArrayList<>();
    private SlabLayout current;
    private boolean controlPlaneDown;
    public final List<Mark> marks = new ArrayList<>();
    public final List<Repair> repairs = new ArrayList<>();
    public final List<String> flushed = new ArrayList<>();
    /** Each compare-and-write asked of a primary: whether it was sent again. */
    public final List<Boolean> compareAttempts = new ArrayList<>();
    public int directReads;
    /** Each read through a server: the copy's node and how long the strategy was willing to wait. */
    public final List<String> asked = new ArrayList<>();
    public int serverReads;

    /** A slab of {@code extentBytes} with one copy per named node, copy i on node {@code nodes[i]}, all in sync. */
    public MemorySlabAccess(final String localNode, final int extentBytes, final String... nodes)
    {
        this.localNode = localNode;
        // Room for the places copies coming in take (make before break).
        this.copies = new byte[nodes.length + 1][extentBytes];
        final ArrayList<Extent> extents = new ArrayList<>();
        for (int c = 0; c < nodes.length; c++)
        {
            extents.add(new Extent(c, "drive-" + c, nodes[c], ExtentState.IN_SYNC));
            corrupt.add(new HashSet<>());
        }
        corrupt.add(new HashSet<>());
        this.current = new SlabLayout(VOLUME, 0, 1, extentBytes, extents);
    }

    public SlabLayout layout()
    {
        return current;
    }

    public byte[] copy(final int copy)
    {
        return copies[copy];
    }

    public void down(final String node)
    {
        down.add(node);
    }

    public void up(final String node)
    {
        down.remove(node);
    }

    /** The node's copies miss the next {@code writes} writes forwarded to them (slow, not gone). */
    public void slowFor(final String node, final int writes)
    {
        slow.put(node, writes);
    }

    public void failStop(final int copy)
    {
        failedStop.add(copy);
    }

    public void controlPlaneDown(final boolean isDown)
    {
        controlPlaneDown = isDown;
    }

    /** Flips the checksum of the block holding {@code inExtent} on a copy (its bytes read as bad). */
    public void corrupt(final int copy, final long inExtent)
    {
        corrupt.get(copy).add(inExtent / BLOCK);
    }

    public boolean isCorrupt(final int copy, final long inExtent)
    {
        return corrupt.get(copy).contains(inExtent / BLOCK);
    }

    /** A copy comes in on {@code node} to take another's place, rebuilding, in a new place of the layout. */
    public void incoming(final String node)
    {
        final ArrayList<Extent> extents = new ArrayList<>(current.extents());
        extents.add(new Extent(extents.size(), "drive-" + extents.size(), node, ExtentState.REBUILDING));
        current = new SlabLayout(current.volumeId(), current.index(), current.epoch() + 1, current.extentBytes(), extents);
    }

    /** The Slab entity moves to a new epoch with the same extents (another node changed the layout). */
    public void bumpEpoch()
    {
        current = new SlabLayout(current.volumeId(), current.index(), current.epoch() + 1, current.extentBytes(), current.extents());
    }

    /** Puts bytes on one copy only, as if it had missed later writes. */
    public void put(final int copy, final long inExtent, final byte[] bytes)
    {
        System.arraycopy(bytes, 0, copies[copy], (int)inExtent, bytes.length);
    }

    @Override
    public String localNode()
    {
        return localNode;
    }

    @Override
    public SlabLayout current(final long volumeId, final int slab)
    {
        return current;
    }

    @Override
    public SlabLayout refresh(final SlabLayout stale)
    {
        return controlPlaneDown ? stale : current;
    }

    @Override
    public SlabLayout markStale(final SlabLayout layout, final int marked, final long inExtent, final long length)
    {
        if (controlPlaneDown)
        {
            return null;
        }
        final ArrayList<Extent> extents = new ArrayList<>();
        for (final Extent extent : current.extents())
        {
            extents.add((marked & 1 << extent.copy()) != 0 && extent.state() == ExtentState.IN_SYNC ?
                new Extent(extent.copy(), extent.driveId(), extent.node(), ExtentState.STALE) : extent);
        }
        marks.add(new Mark(marked, inExtent, length));
        current = new SlabLayout(current.volumeId(), current.index(), current.epoch() + 1, current.extentBytes(), extents);
        return current;
    }

    @Override
    public boolean readLocal(final SlabLayout layout, final Extent copy, final long inExtent, final int length, final ByteBuffer dst)
    {
        if (!copy.node().equals(localNode) || failedStop.contains(copy.copy()) || corrupted(copy.copy(), inExtent, length))
        {
            return false;
        }
        dst.put(dst.position(), copies[copy.copy()], (int)inExtent, length);
        directReads++;
        return true;
    }

    @Override
    public int read(final SlabLayout layout, final Extent copy, final long inExtent, final int length, final ByteBuffer dst,
                    final long patienceNs)
    {
        asked.add(copy.node() + (patienceNs == 0 ? " until the deadline" : " for " + patienceNs / 1_000_000 + " ms"));
        if (down.contains(copy.node()))
        {
            return DataStatus.TIMEOUT;
        }
        if (layout.epoch() != current.epoch())
        {
            return DataStatus.STALE_EPOCH;
        }
        if (failedStop.contains(copy.copy()))
        {
            return DataStatus.FAILED_STOP;
        }
        if (corrupted(copy.copy(), inExtent, length))
        {
            return DataStatus.CHECKSUM_MISMATCH;
        }
        dst.put(dst.position(), copies[copy.copy()], (int)inExtent, length);
        serverReads++;
        return DataStatus.OK;
    }

    @Override
    public int compareAndWrite(final SlabLayout layout, final Extent sequencer, final long inExtent, final ByteBuffer src,
                               final int length, final boolean fua, final boolean again)
    {
        compareAttempts.add(again);
        if (down.contains(sequencer.node()) || layout.epoch() != current.epoch() || current.primary() == null ||
            current.primary().copy() != sequencer.copy() || failedStop.contains(sequencer.copy()))
        {
            return sequencedWrite(layout, sequencer, inExtent, src, length, fua); // refused as a write would be
        }
        final ByteBuffer stored = ByteBuffer.wrap(copies[sequencer.copy()], (int)inExtent, length);
        final int mismatch = stored.mismatch(src.slice(src.position(), length));
        if (mismatch >= 0 && (!again || stored.mismatch(src.slice(src.position() + length, length)) >= 0))
        {
            return DataStatus.miscompare(mismatch);
        }
        return sequencedWrite(layout, sequencer, inExtent, src.duplicate().position(src.position() + length), length, fua);
    }

    @Override
    public int sequencedWrite(final SlabLayout layout, final Extent sequencer, final long inExtent, final ByteBuffer src,
                              final int length, final boolean fua)
    {
        if (down.contains(sequencer.node()))
        {
            return DataStatus.TIMEOUT;
        }
        if (layout.epoch() != current.epoch())
        {
            return DataStatus.STALE_EPOCH;
        }
        if (current.primary() == null || current.primary().copy() != sequencer.copy())
        {
            return DataStatus.NOT_PRIMARY;
        }
        if (failedStop.contains(sequencer.copy()))
        {
            return DataStatus.FAILED_STOP;
        }
        int missed = 0;
        for (final Extent extent : current.extents())
        {
            if (extent.state() != ExtentState.IN_SYNC && extent.state() != ExtentState.REBUILDING)
            {
                continue;
            }
            if (extent.copy() != sequencer.copy() && slow.getOrDefault(extent.node(), 0) > 0)
            {
                slow.merge(extent.node(), -1, Integer::sum);
                missed |= 1 << extent.copy();
                continue;
            }
            if (extent.copy() != sequencer.copy() && (down.contains(extent.node()) || failedStop.contains(extent.copy())))
            {
                missed |= 1 << extent.copy();
                continue;
            }
            src.get(src.position(), copies[extent.copy()], (int)inExtent, length);
            clear(extent.copy(), inExtent, length);
        }
        return missed == 0 ? DataStatus.OK : DataStatus.degraded(missed);
    }

    @Override
    public int repair(final SlabLayout layout, final Extent sequencer, final int badCopy, final long inExtent, final int length)
    {
        if (down.contains(sequencer.node()))
        {
            return DataStatus.TIMEOUT;
        }
        repairs.add(new Repair(badCopy, inExtent, length));
        for (final Extent good : current.extents())
        {
            if (good.copy() != badCopy && good.state() == ExtentState.IN_SYNC && !down.contains(good.node()) &&
                !corrupted(good.copy(), inExtent, length))
            {
                System.arraycopy(copies[good.copy()], (int)inExtent, copies[badCopy], (int)inExtent, length);
                clear(badCopy, inExtent, length);
                return DataStatus.OK;
            }
        }
        return DataStatus.CHECKSUM_MISMATCH;
    }

    @Override
    public int flush(final String node, final long volumeId)
    {
        if (down.contains(node))
        {
            return DataStatus.TIMEOUT;
        }
        flushed.add(node);
        return DataStatus.OK;
    }

    private boolean corrupted(final int copy, final long inExtent, final int length)
    {
        for (long block = inExtent / BLOCK; block * BLOCK < inExtent + length; block++)
        {
            if (corrupt.get(copy).contains(block))
            {
                return true;
            }
        }
        return false;
    }

    private void clear(final int copy, final long inExtent, final int length)
    {
        // Only whole blocks get a fresh checksum; a partial one keeps its state (as a read-modify-write would fix it).
        for (long block = (inExtent + BLOCK - 1) / BLOCK; (block + 1) * BLOCK <= inExtent + length; block++)
        {
            corrupt.get(copy).remove(block);
        }
    }

    public static byte[] pattern(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i * 7);
        }
        return bytes;
    }

    public static byte[] range(final byte[] bytes, final long from, final int length)
    {
        return Arrays.copyOfRange(bytes, (int)from, (int)from + length);
    }
}
