package io.cistern.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test double of the node's extents: byte arrays in a map, epochs in another, counts of every call, and
 * knobs to make an operation fail or wait. Stands in for the storage module until the lead wires it in.
 * Synchronized because the server's agent thread calls it while the test thread inspects it; a held read
 * waits on its latch outside the lock.
 */
final class InMemoryExtentIo implements ExtentIo
{
    static final int EXTENT_LENGTH = 4 * 1024 * 1024;

    private record ExtentKey(long volumeId, int slab, int copy)
    {
    }

    private record SlabKey(long volumeId, int slab)
    {
    }

    private final Map<ExtentKey, byte[]> extents = new HashMap<>();
    private final Map<SlabKey, Long> epochs = new HashMap<>();
    private final Map<SlabKey, Integer> primaries = new HashMap<>();
    private final Map<SlabKey, int[]> mirrorCopies = new HashMap<>();
    private final Map<SlabKey, String[]> mirrorChannels = new HashMap<>();
    private int reads;
    private int writes;
    private int fuaWrites;
    private int flushes;
    private int readStatus = DataStatus.OK;
    private int flushStatus = DataStatus.OK;
    private RuntimeException writeFailure;
    private CountDownLatch readGate;
    private CountDownLatch readEntered;

    synchronized InMemoryExtentIo addExtent(final long volumeId, final int slab, final int copy, final long epoch)
    {
        extents.put(new ExtentKey(volumeId, slab, copy), new byte[EXTENT_LENGTH]);
        epochs.put(new SlabKey(volumeId, slab), epoch);
        return this;
    }

    /**
     * Makes {@code primary} the slab's primary copy, with the other copies {@code copies} on the servers
     * {@code channels} (null: on this one).
     */
    synchronized InMemoryExtentIo mirror(final long volumeId, final int slab, final int primary, final int[] copies,
                                         final String[] channels)
    {
        final SlabKey key = new SlabKey(volumeId, slab);
        primaries.put(key, primary);
        mirrorCopies.put(key, copies.clone());
        mirrorChannels.put(key, channels.clone());
        return this;
    }

    synchronized byte[] bytes(final long volumeId, final int slab, final int copy, final int offset, final int length)
    {
        final byte[] copyOf = new byte[length];
        System.arraycopy(extents.get(new ExtentKey(volumeId, slab, copy)), offset, copyOf, 0, length);
        return copyOf;
    }

    synchronized void failReadsWith(final int status)
    {
        readStatus = status;
    }

    synchronized void failFlushesWith(final int status)
    {
        flushStatus = status;
    }

    synchronized void throwOnWrite(final RuntimeException failure)
    {
        writeFailure = failure;
    }

    /** Reads wait for {@code gate} (at most 10 s) and count down {@code entered} as they start waiting. */
    synchronized void holdReads(final CountDownLatch gate, final CountDownLatch entered)
    {
        readGate = gate;
        readEntered = entered;
    }

    synchronized int reads()
    {
        return reads;
    }

    synchronized int writes()
    {
        return writes;
    }

    synchronized int fuaWrites()
    {
        return fuaWrites;
    }

    synchronized int flushes()
    {
        return flushes;
    }

    @Override
    public int read(
        final long volumeId, final int slab, final int copy, final long offset, final int length,
        final MutableDirectBuffer dst, final int dstOffset)
    {
        final CountDownLatch gate;
        final CountDownLatch entered;
        synchronized (this)
        {
            gate = readGate;
            entered = readEntered;
        }
        if (gate != null)
        {
            entered.countDown();
            awaitQuietly(gate);
        }
        synchronized (this)
        {
            reads++;
            final byte[] extent = extents.get(new ExtentKey(volumeId, slab, copy));
            if (extent == null)
            {
                return DataStatus.NO_SUCH_EXTENT;
            }
            if (offset + length > extent.length)
            {
                return DataStatus.OUT_OF_RANGE;
            }
            if (readStatus != DataStatus.OK)
            {
                return readStatus;
            }
            dst.putBytes(dstOffset, extent, (int)offset, length);
            return DataStatus.OK;
        }
    }

    @Override
    public synchronized int write(
        final long volumeId, final int slab, final int copy, final long offset,
        final DirectBuffer src, final int srcOffset, final int length, final boolean fua)
    {
        writes++;
        if (writeFailure != null)
        {
            throw writeFailure;
        }
        final byte[] extent = extents.get(new ExtentKey(volumeId, slab, copy));
        if (extent == null)
        {
            return DataStatus.NO_SUCH_EXTENT;
        }
        if (offset + length > extent.length)
        {
            return DataStatus.OUT_OF_RANGE;
        }
        src.getBytes(srcOffset, extent, (int)offset, length);
        if (fua)
        {
            fuaWrites++;
        }
        return DataStatus.OK;
    }

    @Override
    public synchronized int flush(final long volumeId)
    {
        flushes++;
        return flushStatus;
    }

    @Override
    public synchronized int fence(final long volumeId, final int slab, final long epoch)
    {
        final Long known = epochs.get(new SlabKey(volumeId, slab));
        if (known != null && known < epoch)
        {
            epochs.remove(new SlabKey(volumeId, slab)); // older epochs are refused until the slab's layout is set again
        }
        return DataStatus.OK;
    }

    @Override
    public synchronized long epoch(final long volumeId, final int slab)
    {
        final Long epoch = epochs.get(new SlabKey(volumeId, slab));
        return epoch == null ? -1 : epoch;
    }

    @Override
    public synchronized int primaryCopy(final long volumeId, final int slab)
    {
        final Integer primary = primaries.get(new SlabKey(volumeId, slab));
        return primary == null ? DataStatus.NO_SUCH_EXTENT : primary;
    }

    @Override
    public synchronized int mirrors(final long volumeId, final int slab, final int[] copies, final String[] channels,
                                    final boolean[] inSync)
    {
        final SlabKey key = new SlabKey(volumeId, slab);
        final int[] mine = mirrorCopies.get(key);
        if (mine == null)
        {
            return DataStatus.NO_SUCH_EXTENT;
        }
        System.arraycopy(mine, 0, copies, 0, mine.length);
        System.arraycopy(mirrorChannels.get(key), 0, channels, 0, mine.length);
        java.util.Arrays.fill(inSync, 0, mine.length, true);
        return mine.length;
    }

    /** Tracks nothing: a test double's map says no write was ever made while a copy was out of sync. */
    @Override
    public synchronized int dirtyMap(final long volumeId, final int slab, final org.agrona.MutableDirectBuffer dst,
                                     final int dstOffset, final int length)
    {
        if (epochs.get(new SlabKey(volumeId, slab)) == null)
        {
            return DataStatus.NO_SUCH_EXTENT;
        }
        dst.setMemory(dstOffset, length, (byte)0);
        dst.putLong(dstOffset, -1L, java.nio.ByteOrder.LITTLE_ENDIAN);
        return DataStatus.OK;
    }

    private static void awaitQuietly(final CountDownLatch gate)
    {
        try
        {
            gate.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
