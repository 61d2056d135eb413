package io.cistern.node.data;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.storage.ExtentId;
import io.cistern.storage.ExtentStore;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;

/**
 * Gives drive space back: deletes this node's extent files of freed slabs, and of copies that moved to
 * another drive (rebuilt while this node was away, or handed over), once their Slab entity confirms the
 * move. Slabs are queued from any thread; the work runs as an agent on the data server's thread, which
 * owns the extents ({@link LocalExtents} does the deleting).
 */
final class ExtentHousekeeper implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(ExtentHousekeeper.class);
    /**
     * Slabs looked at per duty cycle: the agent shares the data server's thread, and a start queues every
     * slab of the pool (a million), so the I/O between two cycles must not wait behind all of them.
     */
    private static final int BATCH = 1024;

    /** Closes and deletes one extent file, and forgets what the data server kept about it. */
    interface Deleter
    {
        void delete(String driveId, ExtentStore store, ExtentId id, String why);
    }

    private final LayoutTable layouts;
    private final Map<String, ExtentStore> stores;
    private final DriveFailures failures;
    private final Deleter deleter;
    private final ConcurrentLinkedQueue<long[]> freed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> placed = new ConcurrentLinkedQueue<>();
    /** Slabs with a copy that looks moved away, waiting for a way to ask their Slab entity; agent thread only. */
    private final Set<SlabKey> heldBack = new LinkedHashSet<>();
    /** Layouts their Slab entities answered, to delete the copies that really moved away by. */
    private final ConcurrentLinkedQueue<SlabLayout> confirmed = new ConcurrentLinkedQueue<>();
    private volatile BiFunction<Long, Integer, CompletionStage<SlabLayout>> currentLayout;

    ExtentHousekeeper(final LayoutTable layouts, final Map<String, ExtentStore> stores, final DriveFailures failures,
                      final Deleter deleter)
    {
        this.layouts = layouts;
        this.stores = stores;
        this.failures = failures;
        this.deleter = deleter;
    }

    /** See {@link LocalExtents#slabPlaced}. */
    void slabPlaced(final long volumeId, final int index)
    {
        placed.add(new long[] {volumeId, index});
    }

    /** See {@link LocalExtents#slabFreed}. */
    void slabFreed(final long volumeId, final int index)
    {
        freed.add(new long[] {volumeId, index});
    }

    /** See {@link LocalExtents#confirmMovesWith}. */
    void confirmMovesWith(final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current)
    {
        currentLayout = current;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        long[] slab;
        for (int i = 0; i < BATCH && (slab = freed.poll()) != null; i++)
        {
            deleteSlab(slab[0], (int)slab[1]);
            work++;
        }
        final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current = currentLayout;
        for (int i = 0; i < BATCH && (slab = placed.poll()) != null; i++)
        {
            final SlabLayout layout = layouts.get(slab[0], (int)slab[1]);
            if (layout != null && movedAway(layout))
            {
                heldBack.add(new SlabKey(slab[0], (int)slab[1]));
            }
            work++;
        }
        if (current != null && !heldBack.isEmpty())
        {
            heldBack.forEach(held -> confirm(current, held.volumeId(), held.index()));
            heldBack.clear();
        }
        SlabLayout answer;
        while ((answer = confirmed.poll()) != null)
        {
            deleteMoved(answer);
            work++;
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "extent-housekeeper";
    }

    private record SlabKey(long volumeId, int index)
    {
    }

    private void confirm(final BiFunction<Long, Integer, CompletionStage<SlabLayout>> current, final long volumeId, final int index)
    {
        current.apply(volumeId, index).whenComplete((layout, failure) ->
        {
            if (layout != null)
            {
                confirmed.add(layout);
            }
            else
            {
                // Only space is at stake: the slab's next layout change, or the node's next start, tries again.
                LOG.info("Extents of slab {} of volume {} that look moved away are kept for now: its layout could not be " +
                    "confirmed ({})", index, Long.toHexString(volumeId), failure.toString());
            }
        });
    }

    /** Whether a file of this node holds a copy that the table's layout places on another drive. */
    private boolean movedAway(final SlabLayout table)
    {
        boolean any = false;
        for (final Map.Entry<String, ExtentStore> store : stores.entrySet())
        {
            for (final Extent extent : table.extents())
            {
                any |= isMoved(store.getKey(), store.getValue(), table, table, extent.copy());
            }
        }
        return any;
    }

    /** Whether this drive has a file of the copy and neither layout places the copy on it. */
    private boolean isMoved(final String driveId, final ExtentStore store, final SlabLayout entity, final SlabLayout table, final int copy)
    {
        return !failures.isFailed(driveId) && store.contains(new ExtentId(entity.volumeId(), entity.index(), copy)) &&
            !placedOn(entity, copy, driveId) && !placedOn(table, copy, driveId);
    }

    /**
     * Whether the layout has the copy on the drive. A retired copy (handed over) is on no drive; a layout may
     * have fewer places than another of the same slab (an incoming copy adds one).
     */
    private static boolean placedOn(final SlabLayout layout, final int copy, final String driveId)
    {
        if (copy >= layout.extents().size())
        {
            return false;
        }
        final Extent extent = layout.extents().get(copy);
        return extent.state() != ExtentState.RETIRED && extent.driveId().equals(driveId);
    }

    /**
     * Deletes this node's files of copies that the Slab entity's layout has on another drive, unless
     * this node's table has since learned a layout that puts the copy back here.
     */
    private void deleteMoved(final SlabLayout entity)
    {
        final SlabLayout table = layouts.get(entity.volumeId(), entity.index());
        if (table == null)
        {
            return;
        }
        for (final Map.Entry<String, ExtentStore> store : stores.entrySet())
        {
            for (final Extent extent : entity.extents())
            {
                if (isMoved(store.getKey(), store.getValue(), entity, table, extent.copy()))
                {
                    deleter.delete(store.getKey(), store.getValue(), new ExtentId(entity.volumeId(), entity.index(), extent.copy()),
                        extent.state() == ExtentState.RETIRED ? "the copy was handed over to another drive" :
                            "the copy was rebuilt on drive " + extent.driveId());
                }
            }
        }
    }

    private void deleteSlab(final long volumeId, final int index)
    {
        for (final Map.Entry<String, ExtentStore> store : stores.entrySet())
        {
            for (int copy = 0; copy < 8; copy++)
            {
                final ExtentId id = new ExtentId(volumeId, index, copy);
                if (!failures.isFailed(store.getKey()) && store.getValue().contains(id))
                {
                    deleter.delete(store.getKey(), store.getValue(), id, "its slab was freed");
                }
            }
        }
    }
}
