package io.cistern.actors.pool;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import org.agrona.collections.Object2LongHashMap;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the pool view knows, folded from the journal's tagged events with the same fold the entities use,
 * and each tag's offset: the pool view's state without its actor, so a snapshot can be taken of it and
 * read back into it ({@link ViewSnapshot}). Not thread-safe: the pool view's actor owns it.
 */
final class PoolState
{
    private final SlabListener slabListener;
    private final Map<String, Drive.State> drives = new HashMap<>();
    private final Map<String, Volume.State> volumes = new HashMap<>();
    private final SlabStates slabs = new SlabStates();
    /** Ids of volumes seen deleted; a volume id is never reused (a new volume of the same name gets a new one). */
    private final Set<Long> deletedVolumes = new HashSet<>();
    private final Map<String, Offset> offsets = new HashMap<>();
    /**
     * Bytes each drive's placed copies take (retired ones, handed over, take none): kept as slabs change.
     * Summing a million slabs' copies on every listing of the drives took the view's actor a good part of
     * a second, and the health monitor lists them every few seconds.
     */
    private final Object2LongHashMap<String> allocated = new Object2LongHashMap<>(0L);
    /** Each volume's slabs out of sync, kept the same way. */
    private final VolumeCopies copies = new VolumeCopies();

    PoolState(final SlabListener slabListener)
    {
        this.slabListener = slabListener;
    }

    /** Where the tag's events are folded up to. */
    Offset offset(final String tag)
    {
        return offsets.getOrDefault(tag, Offset.noOffset());
    }

    /**
     * Folds one event, unless this state has it already: a catch-up read and the live stream may both bring
     * it, and a fold is not idempotent.
     *
     * @return whether it was folded.
     */
    boolean apply(final String tag, final EventEnvelope envelope)
    {
        if (envelope.offset() instanceof Sequence at && offsets.get(tag) instanceof Sequence folded && at.value() <= folded.value())
        {
            return false;
        }
        final Object event = envelope.event();
        final String id = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
        if (event instanceof Drive.Event e)
        {
            drives.put(id, Drive.apply(drives.getOrDefault(id, new Drive.Unregistered()), e));
        }
        else if (event instanceof Volume.Event e)
        {
            final Volume.State before = volumes.getOrDefault(id, new Volume.Absent());
            volumes.put(id, Volume.apply(before, e));
            if (e instanceof Volume.Deleted && before instanceof Volume.Live live)
            {
                deletedVolumes.add(live.info().volumeId());
                slabListener.volumeDeleted(live.info().volumeId());
            }
            else if (e instanceof Volume.Resized resized && before instanceof Volume.Live live)
            {
                slabListener.volumeResized(live.info().volumeId(), resized.sizeBytes());
            }
        }
        else if (event instanceof Slab.Event e)
        {
            // The entity id is the volume's id in hex and the slab's index (Slab.entityId).
            final int dash = id.lastIndexOf('-');
            final long volumeId = Long.parseUnsignedLong(id, 0, dash, 16);
            final int index = Integer.parseInt(id, dash + 1, id.length(), 10);
            final Slab.State before = slabs.get(volumeId, index);
            final Slab.State next = Slab.apply(before, e);
            slabs.put(volumeId, index, next);
            count(before, -1);
            count(next, 1);
            if (next instanceof Slab.Active active)
            {
                slabListener.placed(active.layout());
            }
            else if (e instanceof Slab.Freed freed)
            {
                slabListener.freed(freed.volumeId(), freed.index());
            }
        }
        offsets.put(tag, envelope.offset());
        return true;
    }

    /**
     * What a snapshot holds of this state now; copies, so the state may go on changing while it is written.
     *
     * @return null if the journal's offsets are not orderings a view could resume from.
     */
    ViewSnapshot.Contents contents()
    {
        final Map<String, Long> at = new HashMap<>();
        for (final Map.Entry<String, Offset> offset : offsets.entrySet())
        {
            if (!(offset.getValue() instanceof Sequence sequence))
            {
                return null;
            }
            at.put(offset.getKey(), sequence.value());
        }
        return new ViewSnapshot.Contents(at, new HashMap<>(drives), new HashMap<>(volumes), new HashSet<>(deletedVolumes),
            slabs.copy());
    }

    /** Takes a snapshot's contents as this (empty) state, and tells the listener what it now knows, as the events would have. */
    void restore(final ViewSnapshot.Contents contents)
    {
        contents.offsets().forEach((tag, offset) -> offsets.put(tag, Offset.sequence(offset)));
        contents.drives().forEach((id, state) -> drives.put(id, (Drive.State) state));
        contents.volumes().forEach((id, state) -> volumes.put(id, (Volume.State) state));
        deletedVolumes.addAll(contents.deletedVolumes());
        slabs.restore(contents.slabs());
        deletedVolumes.forEach(slabListener::volumeDeleted);
        for (final Volume.State state : volumes.values())
        {
            if (state instanceof Volume.Live live)
            {
                slabListener.volumeResized(live.info().volumeId(), live.info().sizeBytes());
            }
        }
        slabs.forEachPlaced(layout ->
        {
            count(layout, 1);
            slabListener.placed(layout);
        });
    }

    private void count(final Slab.State state, final int sign)
    {
        if (state instanceof Slab.Active active)
        {
            count(active.layout(), sign);
        }
    }

    private void count(final SlabLayout layout, final int sign)
    {
        copies.count(layout, sign);
        for (final Extent extent : layout.extents())
        {
            if (extent.state() != ExtentState.RETIRED) // handed over: its node deletes the file, the space is free again
            {
                final long bytes = allocated.getValue(extent.driveId()) + sign * layout.extentBytes();
                if (bytes == 0)
                {
                    allocated.removeKey(extent.driveId());
                }
                else
                {
                    allocated.put(extent.driveId(), bytes);
                }
            }
        }
    }

    /** Every live volume with a slab out of sync. */
    List<VolumeCopies.Health> volumeHealth()
    {
        return copies.all().stream().filter(health -> !deletedVolumes.contains(health.volumeId())).toList();
    }

    /** Bytes the placed slabs' copies take on the drive. */
    long allocatedOn(final String driveId)
    {
        return allocated.getValue(driveId);
    }

    /** Tells the listener that this state has every event the journal had when the catch-up began. */
    void caughtUp(final long token)
    {
        slabListener.caughtUp(this::placed, token);
    }

    /** The slab's layout if it is placed, else null. */
    SlabLayout placed(final long volumeId, final int index)
    {
        return slabs.get(volumeId, index) instanceof Slab.Active active ? active.layout() : null;
    }

    int driveCount()
    {
        return drives.size();
    }

    int volumeCount()
    {
        return volumes.size();
    }

    /** Every known drive's status, with its allocated bytes derived from the placed slabs. */
    List<DriveStatus> drives()
    {
        final List<DriveStatus> known = new ArrayList<>();
        for (final Map.Entry<String, Drive.State> entry : drives.entrySet())
        {
            if (entry.getValue() instanceof Drive.Known drive)
            {
                final DriveStatus s = drive.status();
                known.add(new DriveStatus(s.info(), s.incarnation(), s.health(), s.detail(), s.sinceMillis(),
                    allocated.getValue(entry.getKey())));
            }
        }
        known.sort(Comparator.comparing((DriveStatus s) -> s.info().node()).thenComparing(s -> s.info().path()));
        return known;
    }

    List<VolumeInfo> volumes()
    {
        final List<VolumeInfo> live = new ArrayList<>();
        for (final Volume.State state : volumes.values())
        {
            if (state instanceof Volume.Live volume)
            {
                live.add(volume.info());
            }
        }
        live.sort(Comparator.comparing(VolumeInfo::name));
        return live;
    }

    /** The volume's placed slabs, by index. */
    List<SlabLayout> slabs(final long volumeId)
    {
        final List<SlabLayout> placed = new ArrayList<>();
        slabs.forEachPlaced(volumeId, placed::add);
        placed.sort(Comparator.comparingInt(SlabLayout::index));
        return placed;
    }

    List<SlabLayout> allSlabs()
    {
        final List<SlabLayout> placed = new ArrayList<>();
        slabs.forEachPlaced(placed::add);
        return placed;
    }

    /** Placed slabs of volumes seen deleted. */
    List<SlabLayout> orphanSlabs()
    {
        final List<SlabLayout> orphans = new ArrayList<>();
        for (final long volumeId : deletedVolumes)
        {
            slabs.forEachPlaced(volumeId, orphans::add);
        }
        return orphans;
    }
}
