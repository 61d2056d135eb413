package io.cistern.actors.volume;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestKitJUnit5Extension.class)
class SlabTest
{
    private static final long VOLUME = 0x2aL;

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(EventSourcedBehaviorTestKit.config()).build();

    private EventSourcedBehaviorTestKit<Slab.Command, Slab.Event, Slab.State> slab;

    @BeforeEach
    void setUp()
    {
        slab = EventSourcedBehaviorTestKit.create(testKit.system(), Slab.create(Slab.entityId(VOLUME, 3)));
        slab.clear();
    }

    private static ArrayList<Extent> extents(final String... drives)
    {
        return Slab.extents(List.of(drives), Map.of("d1", "node-1", "d2", "node-2", "d3", "node-3"));
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Slab.Command, Slab.Event, Slab.State, StatusReply<SlabLayout>>
        place(final ArrayList<Extent> extents)
    {
        return slab.runCommand(replyTo -> new Slab.Place(VOLUME, 3, 1L << 20, extents, replyTo));
    }

    @Test
    void recordsItsPlacementAtEpochOne()
    {
        final var placed = place(extents("d2", "d3", "d1"));
        final SlabLayout layout = placed.reply().getValue();
        assertEquals(1, layout.epoch());
        assertEquals("d2", layout.extents().get(0).driveId(), "the first extent is the primary");
        assertEquals(new Extent(1, "d3", "node-3", ExtentState.IN_SYNC), layout.extents().get(1));
        assertEquals(new Slab.Placed(layout), placed.event());
    }

    @Test
    void aSecondPlacementGetsTheFirstOne()
    {
        final SlabLayout first = place(extents("d1", "d2")).reply().getValue();
        final var racing = place(extents("d3", "d2"));
        assertTrue(racing.hasNoEvents());
        assertEquals(first, racing.reply().getValue());
    }

    @Test
    void refusesAPlacementMeantForAnotherSlab()
    {
        final var wrong = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Place(VOLUME, 4, 1L << 20, extents("d1"), replyTo));
        assertTrue(wrong.hasNoEvents());
        assertEquals("slab 2a-3 was asked to place slab 2a-4", wrong.reply().getError().getMessage());
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Slab.Command, Slab.Event, Slab.State, StatusReply<SlabLayout>>
        markStale(final int copies, final long offset, final long length)
    {
        return slab.runCommand(replyTo -> new Slab.MarkStale(copies, offset, length, replyTo));
    }

    @Test
    void aCopyThatMissedAWriteIsStaleUnderANewEpochAndItsRangeIsDirty()
    {
        place(extents("d1", "d2", "d3"));
        final var marked = markStale(0b010, 8192, 4096);
        final SlabLayout layout = marked.reply().getValue();
        assertEquals(2, layout.epoch());
        assertEquals(ExtentState.STALE, layout.extents().get(1).state());
        assertEquals(2, layout.inSyncCount());
        assertEquals(new Slab.MarkedStale(0b010, 8192, 4096), marked.event());
        assertEquals(List.of(new Slab.DirtyRange(1, 8192, 4096)), ((Slab.Active)marked.state()).dirty());

        // More misses of the same copy only widen its dirty ranges: no new epoch; touching ranges merge.
        final var again = markStale(0b010, 12288, 4096);
        assertEquals(2, again.reply().getValue().epoch());
        markStale(0b010, 65536, 512);
        assertEquals(List.of(new Slab.DirtyRange(1, 8192, 8192), new Slab.DirtyRange(1, 65536, 512)),
            ((Slab.Active)slab.getState()).dirty());
        // The same miss reported twice changes nothing and persists nothing.
        assertTrue(markStale(0b010, 9000, 100).hasNoEvents());
    }

    @Test
    void aMajorityRuleIsTheFrontEndsButTheLastInSyncCopyIsNeverMarked()
    {
        place(extents("d1", "d2", "d3"));
        final SlabLayout twoGone = markStale(0b011, 0, 4096).reply().getValue();
        assertEquals(1, twoGone.inSyncCount());
        assertTrue(twoGone.inSyncCount() < SlabLayout.writeQuorum(3), "mirror-3 needs 2 in sync to take writes");
        assertEquals(twoGone.extents().get(2), twoGone.primary(), "the one in-sync copy is the primary");

        final var last = markStale(0b100, 0, 4096);
        assertTrue(last.hasNoEvents());
        assertEquals("slab 2a-3 cannot mark copies 100 stale: no copy would be left in sync", last.reply().getError().getMessage());
    }

    @Test
    void refusesToMarkCopiesOrRangesItDoesNotHave()
    {
        place(extents("d1", "d2"));
        assertTrue(markStale(0b100, 0, 4096).reply().isError(), "copy 2 of a two-copy slab");
        assertTrue(markStale(0b01, (1L << 20) - 4096, 8192).reply().isError(), "past the extent's end");
        assertTrue(markStale(0, 0, 4096).reply().isError(), "no copy");
        assertEquals(1, ((Slab.Active)slab.getState()).layout().epoch());
    }

    @Test
    void aTwoWayMirrorWritesOnOneCopy()
    {
        place(extents("d1", "d2"));
        final SlabLayout one = markStale(0b01, 0, 4096).reply().getValue();
        assertEquals(1, SlabLayout.writeQuorum(2));
        assertEquals(1, one.inSyncCount());
    }

    @Test
    void aResyncRebuildsAStaleCopyAndPutsItBackInSync()
    {
        place(extents("d1", "d2", "d3"));
        markStale(0b010, 8192, 4096);
        final var begun = slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(1, replyTo));
        final Slab.Resync resync = begun.reply().getValue();
        assertEquals(3, resync.layout().epoch());
        assertEquals(ExtentState.REBUILDING, resync.layout().extents().get(1).state());
        assertEquals(List.of(new Slab.DirtyRange(1, 8192, 4096)), resync.missed());
        assertEquals(2, resync.layout().inSyncCount(), "a rebuilding copy serves no reads and counts toward no majority");
        // Resumed after a crash: the same answer, nothing persisted.
        assertTrue(slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(1, replyTo)).hasNoEvents());

        final var ended = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.EndResync(1, replyTo));
        assertEquals(4, ended.reply().getValue().epoch());
        assertEquals(ExtentState.IN_SYNC, ended.reply().getValue().extents().get(1).state());
        assertEquals(List.of(), ((Slab.Active)slab.getState()).dirty(), "nothing is dirty any more");
    }

    @Test
    void aCopyThatMissesAWriteWhileRebuildingIsStaleAgainAndItsResyncCannotEnd()
    {
        place(extents("d1", "d2", "d3"));
        markStale(0b010, 0, 4096);
        slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(1, replyTo));
        assertEquals(ExtentState.STALE, markStale(0b010, 65536, 4096).reply().getValue().extents().get(1).state());
        final var ended = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.EndResync(1, replyTo));
        assertTrue(ended.hasNoEvents());
        assertEquals("slab 2a-3 copy 1 is STALE, not REBUILDING: the resync must start over", ended.reply().getError().getMessage());
        assertTrue(slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(0, replyTo)).reply().isError(),
            "an in-sync copy has nothing to resync");
    }

    @Test
    void aCopyWhoseDriveIsGoneMovesToANewDriveAndIsRebuiltWhole()
    {
        place(extents("d1", "d2", "d3"));
        markStale(0b100, 0, 4096);
        final var moved = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(2, "d3", "d9", "node-4", Slab.REBUILD, replyTo));
        final SlabLayout layout = moved.reply().getValue();
        assertEquals(new Extent(2, "d9", "node-4", ExtentState.REBUILDING), layout.extents().get(2));
        assertEquals(3, layout.epoch());
        assertEquals(List.of(new Slab.DirtyRange(2, 0, 1L << 20)), ((Slab.Active)moved.state()).dirty(), "the whole extent");
        assertTrue(slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(2, "d3", "d9", "node-4", Slab.REBUILD, replyTo)).hasNoEvents(),
            "asked again: already there");
        assertTrue(slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(2, "d3", "d8", "node-5", Slab.REBUILD, replyTo)).hasNoEvents(),
            "a planner that has not seen the move yet moves nothing");
        assertTrue(slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(1, "d2", "d1", "node-1", Slab.REBUILD, replyTo)).reply().isError(),
            "never two copies on one drive");
        // Its resync then runs like any other, as a rebuild: begun (already rebuilding) and ended.
        final Slab.Resync resync = slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(2, replyTo)).reply().getValue();
        assertEquals(List.of(new Slab.DirtyRange(2, 0, 1L << 20)), resync.missed());
        assertEquals(Slab.REBUILD, resync.kind());
        final var ended = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.EndResync(2, replyTo));
        assertEquals(List.of(), ((Slab.Active)ended.state()).moving(), "in sync where it was moved to: the move is over");
    }

    @Test
    void aCheckpointSurvivesInTheJournalAndIsResumedFromUntilTheCopyMissesAWrite()
    {
        place(extents("d1", "d2", "d3"));
        final SlabLayout moved = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(2, "d3", "d9", "node-4", Slab.REBUILD, replyTo))
            .reply().getValue();
        final Slab.Resync begun = slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(2, replyTo)).reply().getValue();
        assertEquals(moved.epoch(), begun.since(), "the rebuilding spell began with the move");
        assertEquals(0, begun.resumeFrom());

        final var saved = slab.<StatusReply<Long>>runCommand(replyTo -> new Slab.Checkpoint(2, begun.since(), 256 * 1024, replyTo));
        assertEquals(new Slab.Checkpointed(2, begun.since(), 256 * 1024), saved.event());
        assertTrue(slab.<StatusReply<Long>>runCommand(replyTo -> new Slab.Checkpoint(2, begun.since(), 4096, replyTo)).hasNoEvents(),
            "a checkpoint behind the recorded one changes nothing");
        assertTrue(slab.<StatusReply<Long>>runCommand(replyTo -> new Slab.Checkpoint(2, begun.since() - 1, 512 * 1024, replyTo)).reply().isError(),
            "a resync of an older spell is refused");
        assertTrue(slab.<StatusReply<Long>>runCommand(replyTo -> new Slab.Checkpoint(0, begun.since(), 4096, replyTo)).reply().isError(),
            "an in-sync copy has no resync to checkpoint");
        assertTrue(slab.<StatusReply<Long>>runCommand(replyTo -> new Slab.Checkpoint(2, begun.since(), (1L << 20) + 1, replyTo)).reply()
            .isError(), "past the extent's end");

        slab.restart();
        final Slab.Resync resumed = slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(2, replyTo)).reply().getValue();
        assertEquals(256 * 1024, resumed.resumeFrom(), "replayed from the journal: the resync resumes at its checkpoint");

        // A copy that misses a write while rebuilding starts over from zero in a new spell.
        markStale(0b100, 0, 4096);
        final Slab.Resync again = slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(2, replyTo)).reply().getValue();
        assertEquals(0, again.resumeFrom());
        assertTrue(again.since() > begun.since());
        assertTrue(slab.<StatusReply<Long>>runCommand(replyTo -> new Slab.Checkpoint(2, begun.since(), 512 * 1024, replyTo)).reply().isError(),
            "the overtaken resync cannot checkpoint the new spell");
        slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.EndResync(2, replyTo));
        assertEquals(List.of(), ((Slab.Active)slab.getState()).progress(), "in sync: nothing in progress");
    }

    @Test
    void aRebalancedCopyIsResyncedAsARebalanceAndAStaleOneAsAResync()
    {
        place(extents("d1", "d2", "d3"));
        slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(0, "d1", "d9", "node-4", Slab.REBALANCE, replyTo));
        markStale(0b100, 0, 4096);

        assertEquals(Slab.REBALANCE, slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(0, replyTo)).reply()
            .getValue().kind());
        assertEquals(Slab.RESYNC, slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(2, replyTo)).reply()
            .getValue().kind());
    }

    private SlabLayout handover(final int copy, final String from, final String to, final String node)
    {
        return slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Handover(copy, from, to, node, Slab.REBALANCE, replyTo))
            .reply().getValue();
    }

    @Test
    void aHandedOverCopyKeepsServingUntilItsSuccessorIsInSyncAndIsThenRetired()
    {
        place(extents("d1", "d2", "d3"));
        final SlabLayout moving = handover(1, "d2", "d9", "node-4");
        assertEquals(4, moving.extents().size(), "the incoming copy has a place of its own");
        assertEquals(new Extent(1, "d2", "node-2", ExtentState.IN_SYNC), moving.extents().get(1), "the outgoing copy still serves");
        assertEquals(new Extent(3, "d9", "node-4", ExtentState.REBUILDING), moving.extents().get(3));
        assertEquals(3, moving.inSyncCount(), "redundancy never dips during the move");
        assertEquals(2, moving.epoch());
        assertTrue(slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Handover(1, "d2", "d9", "node-4", Slab.REBALANCE, replyTo))
            .hasNoEvents(), "asked again: already coming in");
        assertTrue(slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Handover(0, "d1", "d8", "node-5", Slab.REBALANCE, replyTo))
            .reply().isError(), "one handover at a time");

        final Slab.Resync resync = slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(3, replyTo)).reply().getValue();
        assertEquals(Slab.REBALANCE, resync.kind());
        assertEquals(List.of(new Slab.DirtyRange(3, 0, 1L << 20)), resync.missed(), "copied whole");
        // A write the incoming copy misses makes it stale, not the one it replaces; the handover waits for it.
        markStale(0b1000, 0, 4096);
        assertEquals(ExtentState.IN_SYNC, ((Slab.Active)slab.getState()).layout().extents().get(1).state());
        slab.<StatusReply<Slab.Resync>>runCommand(replyTo -> new Slab.BeginResync(3, replyTo));

        slab.restart(); // the handover is in the journal, not only in memory
        final SlabLayout done = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.EndResync(3, replyTo)).reply().getValue();
        assertEquals(new Extent(3, "d9", "node-4", ExtentState.IN_SYNC), done.extents().get(3));
        assertEquals(new Extent(1, "d2", "node-2", ExtentState.RETIRED), done.extents().get(1), "retired in the same step");
        assertEquals(3, done.inSyncCount());
        assertEquals(3, done.liveCount());
        assertTrue(done.allInSync());
        assertEquals(List.of(), ((Slab.Active)slab.getState()).handovers());

        // A retired copy is no copy: never marked stale, and its place goes to the next incoming copy elsewhere.
        assertTrue(markStale(0b0010, 0, 4096).hasNoEvents());
        final SlabLayout next = handover(0, "d1", "d8", "node-5");
        assertEquals(4, next.extents().size(), "the retired place is reused");
        assertEquals(new Extent(1, "d8", "node-5", ExtentState.REBUILDING), next.extents().get(1));
        assertEquals(new Extent(0, "d1", "node-1", ExtentState.IN_SYNC), next.extents().get(0));
    }

    @Test
    void aHandedOverCopyWhoseDriveIsLostStopsServingAndIsRetiredWhenItsSuccessorIsInSync()
    {
        place(extents("d1", "d2", "d3"));
        handover(2, "d3", "d9", "node-4");
        final var lost = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Replace(2, "d3", "d8", "node-5", Slab.REBUILD, replyTo));
        assertEquals(new Slab.MarkedStale(0b100, 0, 1L << 20), lost.event(), "not rebuilt a second time");
        assertEquals(4, lost.reply().getValue().extents().size());
        final SlabLayout done = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.EndResync(3, replyTo)).reply().getValue();
        assertEquals(ExtentState.RETIRED, done.extents().get(2).state());
        assertEquals(3, done.inSyncCount());
    }

    @Test
    void aCopyThatIsNotInSyncIsMovedAtOnceInsteadOfHandedOver()
    {
        place(extents("d1", "d2", "d3"));
        markStale(0b100, 0, 4096);
        final SlabLayout moved = handover(2, "d3", "d9", "node-4");
        assertEquals(3, moved.extents().size());
        assertEquals(new Extent(2, "d9", "node-4", ExtentState.REBUILDING), moved.extents().get(2));
    }

    @Test
    void freesItsExtents()
    {
        place(extents("d1", "d2"));
        final var freed = slab.<StatusReply<SlabLayout>>runCommand(Slab.Free::new);
        assertEquals(new Slab.Freed(VOLUME, 3), freed.event());
        assertInstanceOf(Slab.Gone.class, freed.state());
        assertEquals("slab 2a-3 belonged to a deleted volume and is not placed",
            slab.<StatusReply<SlabLayout>>runCommand(Slab.GetLayout::new).reply().getError().getMessage());
        assertEquals(VolumeException.Kind.NOT_FOUND, VolumeService.classify(
            slab.<StatusReply<SlabLayout>>runCommand(Slab.GetLayout::new).reply().getError().getMessage()));
    }

    @Test
    void aFreedSlabIsNeverPlacedAgain()
    {
        place(extents("d1", "d2"));
        slab.<StatusReply<SlabLayout>>runCommand(Slab.Free::new);
        final var again = slab.<StatusReply<SlabLayout>>runCommand(replyTo ->
            new Slab.Place(VOLUME, 3, 1 << 20, extents("d3", "d4"), replyTo));
        assertTrue(again.reply().isError(), "a client still writing to a deleted volume cannot bring its space back");
        assertTrue(again.hasNoEvents());
        assertInstanceOf(Slab.Gone.class, again.state());
    }

    @Test
    void aPlacementAfterAFreeInAnOldJournalStillReplays()
    {
        // Journals written before freed slabs were refused a new placement may hold one: replay takes it.
        final SlabLayout layout = new SlabLayout(VOLUME, 3, 1, 1 << 20, extents("d5", "d6"));
        assertInstanceOf(Slab.Active.class, Slab.apply(Slab.apply(new Slab.Unplaced(), new Slab.Freed(VOLUME, 3)),
            new Slab.Placed(layout)));
    }

    @Test
    void aCopyPlacedOutOfSyncIsDirtyWholeFromTheStart()
    {
        final ArrayList<Extent> extents = extents("d1", "d2", "d3");
        extents.set(2, new Extent(2, "d3", extents.get(2).node(), ExtentState.STALE));
        final var placed = slab.<StatusReply<SlabLayout>>runCommand(replyTo -> new Slab.Place(VOLUME, 3, 1 << 20, extents, replyTo));
        assertTrue(placed.reply().isSuccess());
        final Slab.Active active = (Slab.Active)placed.state();
        assertEquals(2, active.layout().inSyncCount());
        assertEquals(List.of(new Slab.DirtyRange(2, 0, 1 << 20)), active.dirty());
    }
}
