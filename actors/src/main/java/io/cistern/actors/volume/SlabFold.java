package io.cistern.actors.volume;

import io.cistern.actors.volume.Slab.Active;
import io.cistern.actors.volume.Slab.Checkpointed;
import io.cistern.actors.volume.Slab.CopyAdded;
import io.cistern.actors.volume.Slab.DirtyRange;
import io.cistern.actors.volume.Slab.Event;
import io.cistern.actors.volume.Slab.ExtentReplaced;
import io.cistern.actors.volume.Slab.Freed;
import io.cistern.actors.volume.Slab.Gone;
import io.cistern.actors.volume.Slab.Incoming;
import io.cistern.actors.volume.Slab.MarkedStale;
import io.cistern.actors.volume.Slab.Moving;
import io.cistern.actors.volume.Slab.Placed;
import io.cistern.actors.volume.Slab.Progress;
import io.cistern.actors.volume.Slab.ResyncFinished;
import io.cistern.actors.volume.Slab.ResyncStarted;
import io.cistern.actors.volume.Slab.State;
import io.cistern.actors.volume.Slab.Unplaced;

import java.util.ArrayList;
import java.util.List;

/**
 * How a slab's events change its state: the one fold the {@link Slab} entity replays and every node's
 * pool view applies to the journal's tagged events, so both see the same layouts. Pure; its own class so
 * the entity holds commands and decisions, this the state they lead to.
 */
final class SlabFold
{
    private SlabFold()
    {
    }

    static State apply(final State state, final Event event)
    {
        if (event instanceof Placed placed)
        {
            // A copy placed out of sync (on a drive that was away) has missed everything: a resync copies it whole.
            final ArrayList<DirtyRange> dirty = new ArrayList<>();
            for (final Extent extent : placed.layout().extents())
            {
                if (extent.state() != ExtentState.IN_SYNC)
                {
                    dirty.add(new DirtyRange(extent.copy(), 0, placed.layout().extentBytes()));
                }
            }
            return new Active(placed.layout(), dirty);
        }
        if (event instanceof Freed)
        {
            return new Gone();
        }
        if (event instanceof MarkedStale stale && state instanceof Active active)
        {
            return markedStale(active, stale);
        }
        if (event instanceof ExtentReplaced replaced && state instanceof Active active)
        {
            final SlabLayout layout = active.layout();
            final ArrayList<Extent> extents = new ArrayList<>(layout.extents());
            extents.set(replaced.copy(), new Extent(replaced.copy(), replaced.driveId(), replaced.node(), ExtentState.REBUILDING));
            final ArrayList<DirtyRange> dirty = new ArrayList<>(active.dirty());
            dirty.removeIf(range -> range.copy() == replaced.copy());
            dirty.add(new DirtyRange(replaced.copy(), 0, layout.extentBytes()));
            final ArrayList<Moving> moving = new ArrayList<>(active.moving());
            moving.removeIf(move -> move.copy() == replaced.copy());
            moving.add(new Moving(replaced.copy(), replaced.reason() == null ? Slab.REBUILD : replaced.reason()));
            final long epoch = layout.epoch() + 1;
            return new Active(new SlabLayout(layout.volumeId(), layout.index(), epoch, layout.extentBytes(), extents),
                dirty, moving, withProgress(active.progress(), replaced.copy(), new Progress(replaced.copy(), epoch, 0)),
                active.handovers());
        }
        if (event instanceof CopyAdded added && state instanceof Active active)
        {
            return copyAdded(active, added);
        }
        if (event instanceof ResyncStarted started && state instanceof Active active)
        {
            final SlabLayout layout = withState(active.layout(), started.copy(), ExtentState.REBUILDING);
            return new Active(layout, active.dirty(), active.moving(),
                withProgress(active.progress(), started.copy(), new Progress(started.copy(), layout.epoch(), 0)), active.handovers());
        }
        if (event instanceof Checkpointed checkpointed && state instanceof Active active)
        {
            return new Active(active.layout(), active.dirty(), active.moving(), withProgress(active.progress(), checkpointed.copy(),
                new Progress(checkpointed.copy(), checkpointed.since(), checkpointed.offset())), active.handovers());
        }
        if (event instanceof ResyncFinished finished && state instanceof Active active)
        {
            final ArrayList<DirtyRange> dirty = new ArrayList<>(active.dirty());
            dirty.removeIf(range -> range.copy() == finished.copy());
            final ArrayList<Moving> moving = new ArrayList<>(active.moving());
            moving.removeIf(move -> move.copy() == finished.copy());
            final Active inSync = new Active(withState(active.layout(), finished.copy(), ExtentState.IN_SYNC), dirty, moving,
                withProgress(active.progress(), finished.copy(), null), active.handovers());
            return handedOver(inSync, finished.copy());
        }
        return new Unplaced();
    }

    private static Active markedStale(final Active active, final MarkedStale stale)
    {
        final SlabLayout layout = active.layout();
        final ArrayList<Extent> extents = new ArrayList<>(layout.extents().size());
        boolean changed = false;
        final ArrayList<DirtyRange> dirty = new ArrayList<>(active.dirty());
        ArrayList<Progress> progress = active.progress();
        for (final Extent extent : layout.extents())
        {
            if ((stale.copies() & (1 << extent.copy())) == 0 || extent.state() == ExtentState.RETIRED)
            {
                extents.add(extent);
                continue;
            }
            // A rebuilding copy that missed a write no longer has every write above its checkpoint.
            progress = withProgress(progress, extent.copy(), null);
            if (extent.state() != ExtentState.STALE)
            {
                changed = true;
                extents.add(new Extent(extent.copy(), extent.driveId(), extent.node(), ExtentState.STALE));
            }
            else
            {
                extents.add(extent);
            }
            addRange(dirty, extent.copy(), stale.offset(), stale.length());
        }
        final SlabLayout next = changed ?
            new SlabLayout(layout.volumeId(), layout.index(), layout.epoch() + 1, layout.extentBytes(), extents) : layout;
        return new Active(next, dirty, active.moving(), progress, active.handovers());
    }

    /**
     * Where an incoming copy to {@code driveId} goes in the layout: the first {@link ExtentState#RETIRED}
     * place whose file was on another drive (so the old file, deleted by its node in its own time, is never
     * the new copy's), else a new place at the end.
     */
    static int placeForIncoming(final SlabLayout layout, final String driveId)
    {
        for (final Extent extent : layout.extents())
        {
            if (extent.state() == ExtentState.RETIRED && !extent.driveId().equals(driveId))
            {
                return extent.copy();
            }
        }
        return layout.extents().size();
    }

    private static Active copyAdded(final Active active, final CopyAdded added)
    {
        final SlabLayout layout = active.layout();
        final ArrayList<Extent> extents = new ArrayList<>(layout.extents());
        final Extent incoming = new Extent(added.copy(), added.driveId(), added.node(), ExtentState.REBUILDING);
        if (added.copy() == extents.size())
        {
            extents.add(incoming);
        }
        else
        {
            extents.set(added.copy(), incoming);
        }
        final ArrayList<DirtyRange> dirty = new ArrayList<>(active.dirty());
        dirty.removeIf(range -> range.copy() == added.copy());
        dirty.add(new DirtyRange(added.copy(), 0, layout.extentBytes()));
        final ArrayList<Moving> moving = new ArrayList<>(active.moving());
        moving.removeIf(move -> move.copy() == added.copy());
        moving.add(new Moving(added.copy(), added.reason()));
        final ArrayList<Incoming> handovers = new ArrayList<>(active.handovers());
        handovers.removeIf(h -> h.copy() == added.copy());
        handovers.add(new Incoming(added.copy(), added.replaces()));
        final long epoch = layout.epoch() + 1;
        return new Active(new SlabLayout(layout.volumeId(), layout.index(), epoch, layout.extentBytes(), extents),
            dirty, moving, withProgress(active.progress(), added.copy(), new Progress(added.copy(), epoch, 0)), handovers);
    }

    /** An incoming copy in sync retires the copy it takes the place of, in the same step. */
    private static Active handedOver(final Active active, final int copy)
    {
        Incoming done = null;
        for (final Incoming incoming : active.handovers())
        {
            done = incoming.copy() == copy ? incoming : done;
        }
        if (done == null)
        {
            return active;
        }
        final int outgoing = done.replaces();
        final ArrayList<Incoming> handovers = new ArrayList<>(active.handovers());
        handovers.remove(done);
        final ArrayList<DirtyRange> dirty = new ArrayList<>(active.dirty());
        dirty.removeIf(range -> range.copy() == outgoing);
        final ArrayList<Moving> moving = new ArrayList<>(active.moving());
        moving.removeIf(move -> move.copy() == outgoing);
        final ArrayList<Extent> extents = new ArrayList<>(active.layout().extents());
        final Extent old = extents.get(outgoing);
        extents.set(outgoing, new Extent(old.copy(), old.driveId(), old.node(), ExtentState.RETIRED));
        final SlabLayout layout = active.layout();
        // Same epoch as the copy coming into sync: one event, one layout change.
        return new Active(new SlabLayout(layout.volumeId(), layout.index(), layout.epoch(), layout.extentBytes(), extents),
            dirty, moving, withProgress(active.progress(), outgoing, null), handovers);
    }

    /** The progress list with the copy's entry replaced by {@code entry}, or removed if it is null. */
    private static ArrayList<Progress> withProgress(final List<Progress> progress, final int copy, final Progress entry)
    {
        final ArrayList<Progress> next = new ArrayList<>(progress);
        next.removeIf(p -> p.copy() == copy);
        if (entry != null)
        {
            next.add(entry);
            next.sort(java.util.Comparator.comparingInt(Progress::copy));
        }
        return next;
    }

    private static SlabLayout withState(final SlabLayout layout, final int copy, final ExtentState state)
    {
        final ArrayList<Extent> extents = new ArrayList<>(layout.extents());
        final Extent extent = extents.get(copy);
        extents.set(copy, new Extent(extent.copy(), extent.driveId(), extent.node(), state));
        return new SlabLayout(layout.volumeId(), layout.index(), layout.epoch() + 1, layout.extentBytes(), extents);
    }

    /** Adds a copy's range to the dirty list, merged with the ranges of that copy it overlaps or touches. */
    static void addRange(final List<DirtyRange> dirty, final int copy, final long offset, final long length)
    {
        long from = offset;
        long to = offset + length;
        for (int i = dirty.size() - 1; i >= 0; i--)
        {
            final DirtyRange range = dirty.get(i);
            if (range.copy() == copy && range.offset() <= to && from <= range.offset() + range.length())
            {
                from = Math.min(from, range.offset());
                to = Math.max(to, range.offset() + range.length());
                dirty.remove(i);
            }
        }
        dirty.add(new DirtyRange(copy, from, to - from));
        dirty.sort(java.util.Comparator.comparingInt(DirtyRange::copy).thenComparingLong(DirtyRange::offset));
    }
}
