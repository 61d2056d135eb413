package io.cistern.actors.volume;

import io.cistern.actors.serialization.CisternSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One slab of a volume: a sharded, event-sourced entity (id {@code <volumeId hex>-<index>}) that owns
 * where the slab's extents are and the layout epoch. Placement is decided by the caller with the pure
 * {@link io.cistern.actors.placement.Placement} over a view of the pool and recorded here once; a second
 * placement of a placed slab returns the recorded layout, so two front ends racing to place a slab at
 * its first write agree on one layout.
 */
public final class Slab extends EventSourcedBehaviorWithEnforcedReplies<Slab.Command, Slab.Event, Slab.State>
{
    public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Slab");
    public static final String TAG = "slab";

    public sealed interface Command extends CisternSerializable
    {
    }

    public record Place(long volumeId, int index, long extentBytes, ArrayList<Extent> extents,
                        ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
        public Place
        {
            extents = new ArrayList<>(extents);
        }
    }

    public record GetLayout(ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    /**
     * Copies that missed a write (a front end saw them fail or not answer in time): from now on they are
     * {@link ExtentState#STALE}, never read, left out of writes, and the range is remembered as dirty for
     * their resync. Sent before the write is acknowledged. Marking a copy that is stale already only adds
     * the range. Refused if no copy would be left in sync.
     *
     * @param copies bit mask of copy indexes.
     */
    public record MarkStale(int copies, long offset, long length, ActorRef<StatusReply<SlabLayout>> replyTo)
        implements Command
    {
    }

    /**
     * The copy's drive is gone for good (out of communication past the retire timeout): the copy moves to
     * another drive, empty, {@link ExtentState#REBUILDING} with its whole range to copy. Asked again for
     * the same drive, or once the copy has left {@code fromDriveId} (a planner acting on an older view),
     * it answers the layout as it is. Refused if no copy would be left in sync.
     */
    public record Replace(int copy, String fromDriveId, String driveId, String node, String reason,
                          ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    /**
     * Make before break: a copy on a drive that still works moves to another drive without the slab ever
     * having fewer copies in sync. An incoming copy is added on {@code driveId}, {@link ExtentState#REBUILDING}
     * with its whole range to copy, in a new place of the layout (or a {@link ExtentState#RETIRED} one on
     * another drive); the outgoing copy stays in sync and serving. When the incoming copy's resync ends, the
     * outgoing one is {@link ExtentState#RETIRED} in the same event, and its node deletes its file.
     * <p>
     * Asked again for a copy already being handed over (to any drive), or once the copy has left
     * {@code fromDriveId}, it answers the layout as it is. A copy that is not in sync is not serving anyone: it is moved at once, as {@link Replace} does.
     * One handover at a time per slab: another is refused until the first is done.
     */
    public record Handover(int copy, String fromDriveId, String driveId, String node, String reason,
                           ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    /** Why a copy is moved to another drive: its drive is gone ({@link #REBUILD}), or the pool is uneven. */
    public static final String REBUILD = "REBUILD";
    public static final String REBALANCE = "REBALANCE";
    /** A stale copy brought back in sync where it is. */
    public static final String RESYNC = "RESYNC";

    /**
     * A stale copy's node is back and a resync of it begins: the copy becomes
     * {@link ExtentState#REBUILDING}, which receives every write but serves no reads. Asked again while
     * it is rebuilding (a resync resumed after a crash), it answers the same without a new epoch.
     */
    public record BeginResync(int copy, ActorRef<StatusReply<Resync>> replyTo) implements Command
    {
    }

    /**
     * Every range the copy missed has been copied to it: it is in sync again, if it is still rebuilding
     * (a write it missed meanwhile made it stale again, and the resync starts over).
     */
    public record EndResync(int copy, ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    /**
     * A resync's progress, so that it survives the crash of the node running it: every range the resync
     * must copy below {@code offset} has been copied, and every later write reached the copy. Only true
     * while the copy stays rebuilding, so it is kept only for the rebuilding spell it was made in
     * ({@code since}, from {@link Resync#since()}) and dropped once the copy misses a write, moves or is in
     * sync. A checkpoint behind the recorded one changes nothing; one for another spell is refused (the
     * resync that sent it was overtaken and must stop).
     */
    public record Checkpoint(int copy, long since, long offset, ActorRef<StatusReply<Long>> replyTo) implements Command
    {
    }

    /**
     * What a resync of one copy starts from.
     *
     * @param layout     the layout under which the copy is rebuilding.
     * @param missed     the ranges front ends saw it miss before it was marked stale; the primary's
     *                   write-intent map has what was written after.
     * @param kind       {@link #RESYNC}, or why the copy was moved ({@link #REBUILD}, {@link #REBALANCE}).
     * @param since      the epoch at which this rebuilding spell of the copy began: names it in
     *                   {@link Checkpoint}s; -1 if the journal does not know it (no checkpoints then).
     * @param resumeFrom the last checkpoint: nothing below it needs copying again.
     */
    public record Resync(SlabLayout layout, ArrayList<DirtyRange> missed, String kind, long since, long resumeFrom)
        implements CisternSerializable
    {
        public Resync
        {
            missed = new ArrayList<>(missed);
        }
    }

    /** The volume was deleted: the extents are given back to the pool. */
    public record Free(ActorRef<StatusReply<SlabLayout>> replyTo) implements Command
    {
    }

    public sealed interface Event extends CisternSerializable
    {
    }

    public record Placed(SlabLayout layout) implements Event
    {
    }

    public record Freed(long volumeId, int index) implements Event
    {
    }

    public record ExtentReplaced(int copy, String driveId, String node, String reason) implements Event
    {
    }

    /**
     * An incoming copy (place {@code copy} of the layout) on {@code driveId} that takes the place of copy
     * {@code replaces} once it is in sync (see {@link Handover}).
     */
    public record CopyAdded(int copy, String driveId, String node, String reason, int replaces) implements Event
    {
    }

    public record ResyncStarted(int copy) implements Event
    {
    }

    public record ResyncFinished(int copy) implements Event
    {
    }

    /** A rebuilding copy's resync has copied everything it must below the offset (see {@link Checkpoint}). */
    public record Checkpointed(int copy, long since, long offset) implements Event
    {
    }

    /** The copies in the mask missed a write to the range; those that were in sync are stale from now on. */
    public record MarkedStale(int copies, long offset, long length) implements Event
    {
    }

    public sealed interface State extends CisternSerializable
    {
    }

    public record Unplaced() implements State
    {
    }

    /**
     * Freed with its deleted volume: never placed again (a volume id is never reused), so a client still
     * writing to the deleted volume cannot bring its space back.
     */
    public record Gone() implements State
    {
    }

    /**
     * @param dirty    the ranges each stale copy is known to have missed, merged; what a resync must copy at
     *                 least. One entry per copy and disjoint range, so it stays small: failed writes are
     *                 reported only until the copy is marked, later writes do not reach it at all.
     * @param moving   copies moved to another drive and not yet in sync there.
     * @param progress each rebuilding copy's spell and checkpoint.
     * @param handovers incoming copies and the copies they take the place of once in sync. (A slab's state is
     *                  folded from its events, never persisted, so it may grow components.)
     */
    public record Active(SlabLayout layout, ArrayList<DirtyRange> dirty, ArrayList<Moving> moving, ArrayList<Progress> progress,
                         ArrayList<Incoming> handovers)
        implements State
    {
        public Active
        {
            dirty = new ArrayList<>(dirty);
            moving = new ArrayList<>(moving);
            progress = new ArrayList<>(progress);
            handovers = new ArrayList<>(handovers);
        }

        public Active(final SlabLayout layout, final ArrayList<DirtyRange> dirty)
        {
            this(layout, dirty, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        public Active(final SlabLayout layout)
        {
            this(layout, new ArrayList<>());
        }
    }

    /** An incoming copy, and the copy it takes the place of when it is in sync. */
    public record Incoming(int copy, int replaces) implements CisternSerializable
    {
    }

    /** A copy moved to a new drive and not yet in sync there, and why it was moved. */
    public record Moving(int copy, String reason) implements CisternSerializable
    {
    }

    /**
     * A rebuilding copy: the epoch its rebuilding spell began at, and how far its resync has checkpointed.
     */
    public record Progress(int copy, long since, long offset) implements CisternSerializable
    {
    }

    /** A range of one copy's extent that it missed while stale. */
    public record DirtyRange(int copy, long offset, long length) implements CisternSerializable
    {
    }

    /** The journal's persistence id of a slab's entity. */
    public static String persistenceId(final long volumeId, final int index)
    {
        return PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId(volumeId, index)).id();
    }

    public static String entityId(final long volumeId, final int index)
    {
        return Long.toHexString(volumeId) + "-" + index;
    }

    /** The highest place in a layout: copies are bits of an int mask and the data plane's fan-out is bounded. */
    static final int MAX_PLACE = 7;

    private final String id;

    private Slab(final String id)
    {
        super(PersistenceId.of(ENTITY_TYPE_KEY.name(), id));
        this.id = id;
    }

    public static Behavior<Command> create(final String entityId)
    {
        return new Slab(entityId);
    }

    @Override
    public State emptyState()
    {
        return new Unplaced();
    }

    @Override
    public Set<String> tagsFor(final Event event)
    {
        return Set.of(TAG);
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler()
    {
        final CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
        builder.forStateType(Unplaced.class)
            .onCommand(Place.class, this::place)
            .onCommand(MarkStale.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(BeginResync.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(Replace.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(Handover.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(EndResync.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(Checkpoint.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(GetLayout.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")))
            .onCommand(Free.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("slab " + id + " is not placed")));
        builder.forStateType(Gone.class)
            .onCommand(Place.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(MarkStale.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(BeginResync.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(Replace.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(Handover.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(EndResync.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(Checkpoint.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(GetLayout.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())))
            .onCommand(Free.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(gone())));
        builder.forStateType(Active.class)
            .onCommand(Place.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.layout())))
            .onCommand(GetLayout.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.layout())))
            .onCommand(MarkStale.class, this::markStale)
            .onCommand(BeginResync.class, this::beginResync)
            .onCommand(Replace.class, this::replace)
            .onCommand(Handover.class, this::handover)
            .onCommand(EndResync.class, this::endResync)
            .onCommand(Checkpoint.class, this::checkpoint)
            .onCommand(Free.class, (s, c) -> Effect()
                .persist(new Freed(s.layout().volumeId(), s.layout().index()))
                .thenReply(c.replyTo(), next -> StatusReply.success(s.layout())));
        return builder.build();
    }

    /** The refusal of a freed slab; {@link VolumeService#classify} reads it as "not found". */
    private String gone()
    {
        return "slab " + id + " belonged to a deleted volume and is not placed";
    }

    private ReplyEffect<Event, State> place(final Unplaced state, final Place command)
    {
        if (!Slab.entityId(command.volumeId(), command.index()).equals(id))
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " was asked to place slab " +
                Slab.entityId(command.volumeId(), command.index())));
        }
        if (command.extents().isEmpty())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("a slab needs at least one extent"));
        }
        final SlabLayout layout = new SlabLayout(command.volumeId(), command.index(), 1, command.extentBytes(), command.extents());
        return Effect().persist(new Placed(layout)).thenReply(command.replyTo(), s -> StatusReply.success(layout));
    }

    private ReplyEffect<Event, State> markStale(final Active state, final MarkStale command)
    {
        final SlabLayout layout = state.layout();
        final int all = (1 << layout.extents().size()) - 1;
        if (command.copies() == 0 || (command.copies() & ~all) != 0 || command.offset() < 0 || command.length() <= 0 ||
            command.offset() + command.length() > layout.extentBytes())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " cannot mark copies " +
                Integer.toBinaryString(command.copies()) + " stale at " + command.offset() + "+" + command.length() +
                ": it has " + layout.extents().size() + " copies of " + layout.extentBytes() + " bytes"));
        }
        final Active next = (Active)apply(state, new MarkedStale(command.copies(), command.offset(), command.length()));
        if (next.layout().primary() == null)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " cannot mark copies " +
                Integer.toBinaryString(command.copies()) + " stale: no copy would be left in sync"));
        }
        if (next.equals(state))
        {
            return Effect().reply(command.replyTo(), StatusReply.success(layout));
        }
        return Effect().persist(new MarkedStale(command.copies(), command.offset(), command.length()))
            .thenReply(command.replyTo(), s -> StatusReply.success(((Active)s).layout()));
    }

    private ReplyEffect<Event, State> replace(final Active state, final Replace command)
    {
        final SlabLayout layout = state.layout();
        if (stateOf(layout, command.copy()) == null)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " has no copy " + command.copy()));
        }
        if (!layout.extents().get(command.copy()).driveId().equals(command.fromDriveId()) ||
            stateOf(layout, command.copy()) == ExtentState.RETIRED)
        {
            return Effect().reply(command.replyTo(), StatusReply.success(layout));
        }
        for (final Incoming incoming : state.handovers())
        {
            if (incoming.replaces() == command.copy())
            {
                // Its successor is on the way already: the copy only stops serving, and is retired when that is in sync.
                return markStale(state, new MarkStale(1 << command.copy(), 0, layout.extentBytes(), command.replyTo()));
            }
        }
        for (final Extent extent : layout.extents())
        {
            if (extent.driveId().equals(command.driveId()) && extent.state() != ExtentState.RETIRED)
            {
                return extent.copy() == command.copy() ? Effect().reply(command.replyTo(), StatusReply.success(layout)) :
                    Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " already has copy " + extent.copy() +
                        " on drive " + command.driveId()));
            }
        }
        final ExtentReplaced replaced = new ExtentReplaced(command.copy(), command.driveId(), command.node(), command.reason());
        if (((Active)apply(state, replaced)).layout().primary() == null)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " cannot move copy " + command.copy() +
                ": it is the last copy in sync"));
        }
        return Effect().persist(replaced).thenReply(command.replyTo(), s -> StatusReply.success(((Active)s).layout()));
    }

    private ReplyEffect<Event, State> handover(final Active state, final Handover command)
    {
        final SlabLayout layout = state.layout();
        final ExtentState current = stateOf(layout, command.copy());
        if (current == null || current == ExtentState.RETIRED)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " has no copy " + command.copy()));
        }
        if (current != ExtentState.IN_SYNC)
        {
            // Serving nobody: moved at once, as a replace does.
            return replace(state, new Replace(command.copy(), command.fromDriveId(), command.driveId(), command.node(),
                command.reason(), command.replyTo()));
        }
        if (!layout.extents().get(command.copy()).driveId().equals(command.fromDriveId()))
        {
            return Effect().reply(command.replyTo(), StatusReply.success(layout));
        }
        for (final Incoming incoming : state.handovers())
        {
            // Already on its way (a planner's next round picks a target again): one successor is enough.
            if (incoming.replaces() == command.copy())
            {
                return Effect().reply(command.replyTo(), StatusReply.success(layout));
            }
        }
        if (!state.handovers().isEmpty())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " is already handing copy " +
                state.handovers().get(0).replaces() + " over; one move at a time"));
        }
        for (final Extent extent : layout.extents())
        {
            if (extent.driveId().equals(command.driveId()) && extent.state() != ExtentState.RETIRED)
            {
                return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " already has copy " + extent.copy() +
                    " on drive " + command.driveId()));
            }
        }
        final int place = SlabFold.placeForIncoming(layout, command.driveId());
        if (place > MAX_PLACE)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " has no place left for another copy"));
        }
        return Effect().persist(new CopyAdded(place, command.driveId(), command.node(), command.reason(), command.copy()))
            .thenReply(command.replyTo(), s -> StatusReply.success(((Active)s).layout()));
    }

    private ReplyEffect<Event, State> beginResync(final Active state, final BeginResync command)
    {
        final ExtentState current = stateOf(state.layout(), command.copy());
        if (current == ExtentState.REBUILDING)
        {
            return Effect().reply(command.replyTo(), StatusReply.success(resync(state, command.copy())));
        }
        if (current != ExtentState.STALE)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " copy " + command.copy() +
                " is " + current + ", not STALE: nothing to resync"));
        }
        return Effect().persist(new ResyncStarted(command.copy()))
            .thenReply(command.replyTo(), s -> StatusReply.success(resync((Active)s, command.copy())));
    }

    private ReplyEffect<Event, State> endResync(final Active state, final EndResync command)
    {
        final ExtentState current = stateOf(state.layout(), command.copy());
        if (current != ExtentState.REBUILDING)
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " copy " + command.copy() +
                " is " + current + ", not REBUILDING: the resync must start over"));
        }
        return Effect().persist(new ResyncFinished(command.copy()))
            .thenReply(command.replyTo(), s -> StatusReply.success(((Active)s).layout()));
    }

    private ReplyEffect<Event, State> checkpoint(final Active state, final Checkpoint command)
    {
        final Progress progress = progressOf(state, command.copy());
        if (stateOf(state.layout(), command.copy()) != ExtentState.REBUILDING || progress == null ||
            progress.since() != command.since())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " copy " + command.copy() +
                " is no longer in the rebuilding spell that began at epoch " + command.since() + ": its resync was overtaken"));
        }
        if (command.offset() < 0 || command.offset() > state.layout().extentBytes())
        {
            return Effect().reply(command.replyTo(), StatusReply.error("slab " + id + " cannot checkpoint copy " + command.copy() +
                " at " + command.offset() + ": its extents have " + state.layout().extentBytes() + " bytes"));
        }
        if (command.offset() <= progress.offset())
        {
            return Effect().reply(command.replyTo(), StatusReply.success(progress.offset()));
        }
        return Effect().persist(new Checkpointed(command.copy(), command.since(), command.offset()))
            .thenReply(command.replyTo(), s -> StatusReply.success(command.offset()));
    }

    private static Progress progressOf(final Active state, final int copy)
    {
        for (final Progress progress : state.progress())
        {
            if (progress.copy() == copy)
            {
                return progress;
            }
        }
        return null;
    }

    private static Resync resync(final Active state, final int copy)
    {
        final ArrayList<DirtyRange> missed = new ArrayList<>();
        for (final DirtyRange range : state.dirty())
        {
            if (range.copy() == copy)
            {
                missed.add(range);
            }
        }
        String kind = RESYNC;
        for (final Moving move : state.moving())
        {
            kind = move.copy() == copy ? move.reason() : kind;
        }
        final Progress progress = progressOf(state, copy);
        return new Resync(state.layout(), missed, kind, progress == null ? -1 : progress.since(), progress == null ? 0 : progress.offset());
    }

    /** The state of a copy, or null if the slab has no such copy. */
    private static ExtentState stateOf(final SlabLayout layout, final int copy)
    {
        return copy < 0 || copy >= layout.extents().size() ? null : layout.extents().get(copy).state();
    }

    @Override
    public EventHandler<State, Event> eventHandler()
    {
        return newEventHandlerBuilder().forAnyState().onEvent(Event.class, Slab::apply).build();
    }

    /** The fold shared by the entity and read-side views of slabs (see {@link SlabFold}). */
    public static State apply(final State state, final Event event)
    {
        return SlabFold.apply(state, event);
    }

    /** Extents of a placement decision, copy index in order. */
    public static ArrayList<Extent> extents(final List<String> driveIds, final java.util.Map<String, String> nodeOfDrive)
    {
        final ArrayList<Extent> extents = new ArrayList<>();
        for (int i = 0; i < driveIds.size(); i++)
        {
            extents.add(new Extent(i, driveIds.get(i), nodeOfDrive.get(driveIds.get(i)), ExtentState.IN_SYNC));
        }
        return extents;
    }
}
