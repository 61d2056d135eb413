package io.cistern.node.data;

import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.storage.ExtentException;
import io.cistern.storage.ExtentFile;
import io.cistern.storage.WriteIntentMap;
import io.cistern.transport.DataStatus;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import static io.cistern.transport.ExtentIo.MAP_REGION_BYTES;

/**
 * The write-intent maps of this node's in-sync extents: while a copy of a slab is out of sync, each write
 * to an in-sync copy here marks its regions in the extent's map, durably, before it is done, so that a
 * resync copies only what the stale copy missed ({@link io.cistern.transport.ExtentIo#dirtyMap}). Once every
 * copy is in sync the map is deleted. Data server thread only, like the extents.
 */
final class WriteIntents
{
    private static final Logger LOG = LoggerFactory.getLogger(WriteIntents.class);

    private final Map<ExtentFile, WriteIntentMap> maps = new IdentityHashMap<>();
    private final Set<ExtentFile> lostMaps = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Extents known to have no map on disk: an in-sync slab's writes do not look for one each time. */
    private final Set<ExtentFile> untracked = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Keeps the write-intent map of an in-sync extent while another copy of its slab is out of sync: the
     * regions of the write are marked, durably, before the write is done. Once every copy is in sync again
     * the map is deleted.
     *
     * @return false if the map could not be written (the write must not be done: it would go unrecorded).
     */
    boolean track(final SlabLayout layout, final int copy, final ExtentFile file, final long offset, final int length)
    {
        if (layout.allInSync())
        {
            if (!untracked.contains(file))
            {
                final WriteIntentMap done = maps.remove(file);
                lostMaps.remove(file);
                try
                {
                    if (done != null)
                    {
                        done.close();
                    }
                    WriteIntentMap.delete(file.file());
                    untracked.add(file);
                }
                catch (final IOException ex)
                {
                    LOG.warn("The write-intent map of {} could not be deleted: {}", file.id(), ex.toString());
                }
            }
            return true;
        }
        if (layout.extents().get(copy).state() != ExtentState.IN_SYNC || lostMaps.contains(file))
        {
            return true; // a copy being filled is no source for a resync; a lost map stays lost until then
        }
        untracked.remove(file);
        try
        {
            WriteIntentMap map = maps.get(file);
            if (map == null)
            {
                map = WriteIntentMap.open(file.file(), layout.extentBytes());
                if (map == null)
                {
                    map = WriteIntentMap.create(file.file(), layout.extentBytes(), MAP_REGION_BYTES, layout.epoch());
                }
                maps.put(file, map);
            }
            map.mark(offset, length);
            return true;
        }
        catch (final ExtentException ex)
        {
            LOG.error("The write-intent map of {} is lost, a resync will copy the whole extent: {}", file.id(), ex.getMessage());
            lostMaps.add(file);
            return true;
        }
        catch (final IOException ex)
        {
            LOG.error("The write-intent map of {} cannot be written: {}", file.id(), ex.toString());
            return false;
        }
    }

    /**
     * Puts the extent's map in {@code dst} as the dirty-map reply lays it out (since-epoch, region size, region
     * count, the bit words); no map: since -1 and no bits.
     *
     * @return {@link DataStatus#OK}, {@link DataStatus#MAP_LOST} if the map is unreadable (the resync copies
     *         everything), or {@link DataStatus#IO_ERROR}.
     */
    int describe(final ExtentFile file, final long extentBytes, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        WriteIntentMap map = maps.get(file);
        try
        {
            if (map == null && !lostMaps.contains(file))
            {
                map = WriteIntentMap.open(file.file(), extentBytes);
                if (map != null)
                {
                    maps.put(file, map);
                }
            }
        }
        catch (final ExtentException ex)
        {
            LOG.error("The write-intent map of {} is lost: {}", file.id(), ex.getMessage());
            lostMaps.add(file);
        }
        catch (final IOException ex)
        {
            return DataStatus.IO_ERROR;
        }
        if (lostMaps.contains(file))
        {
            return DataStatus.MAP_LOST;
        }
        dst.setMemory(dstOffset, length, (byte)0);
        dst.putLong(dstOffset, map == null ? -1L : map.since(), ByteOrder.LITTLE_ENDIAN);
        dst.putInt(dstOffset + 8, MAP_REGION_BYTES, ByteOrder.LITTLE_ENDIAN);
        dst.putInt(dstOffset + 12, (int)((extentBytes + MAP_REGION_BYTES - 1) / MAP_REGION_BYTES),
            ByteOrder.LITTLE_ENDIAN);
        if (map != null)
        {
            final long[] words = map.words();
            for (int i = 0; i < words.length; i++)
            {
                dst.putLong(dstOffset + 16 + i * Long.BYTES, words[i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        return DataStatus.OK;
    }

    /** The extent is being deleted: its map is closed and forgotten. */
    void forget(final ExtentFile file)
    {
        lostMaps.remove(file);
        untracked.remove(file);
        final WriteIntentMap map = maps.remove(file);
        try
        {
            if (map != null)
            {
                map.close();
            }
        }
        catch (final IOException ex)
        {
            LOG.debug("Closing the map of {}: {}", file.id(), ex.toString());
        }
    }
}
