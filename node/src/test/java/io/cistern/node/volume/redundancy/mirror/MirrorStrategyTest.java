package io.cistern.node.volume.redundancy.mirror;

import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.node.metrics.VolumeMetrics;
import io.cistern.node.volume.redundancy.MemorySlabAccess;
import io.cistern.node.volume.redundancy.Redundancy;
import io.cistern.node.volume.redundancy.SlabStrategy;
import io.cistern.transport.DataStatus;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.cistern.node.volume.redundancy.MemorySlabAccess.pattern;
import static io.cistern.node.volume.redundancy.MemorySlabAccess.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mirror strategy against an in-memory data plane: every decision a mirror makes, without a process. */
class MirrorStrategyTest
{
    private static final int EXTENT = 64 * 1024;
    private static final int LENGTH = 8192;
    private static final long AT = 16384;

    private final VolumeMetrics metrics = new VolumeMetrics();

    private SlabStrategy mirror(final MemorySlabAccess access)
    {
        // A short retry window: a write that cannot keep a majority gives up after a few attempts.
        return new MirrorStrategy(3, access, metrics, 1 << 20, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300));
    }

    private static int write(final SlabStrategy strategy, final MemorySlabAccess access, final byte[] bytes)
    {
        return strategy.write(access.layout(), AT, ByteBuffer.wrap(bytes), bytes.length, false);
    }

    private static byte[] read(final SlabStrategy strategy, final MemorySlabAccess access, final int status)
    {
        final ByteBuffer dst = ByteBuffer.allocate(LENGTH);
        assertEquals(status, strategy.read(access.layout(), AT, LENGTH, dst), "read status");
        assertEquals(0, dst.position(), "the strategy does not move the buffer's position");
        return dst.array();
    }

    @Test
    void aMirrorResiliencySelectsTheMirrorStrategy()
    {
        assertEquals(new Redundancy.Mirror(2), Redundancy.of(Resiliency.MIRROR_2));
        assertInstanceOf(MirrorStrategy.class, mirror(new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3")));
    }

    @Test
    void aWriteReachesEveryCopyThroughThePrimary()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        final byte[] bytes = pattern(LENGTH, 1);
        assertEquals(DataStatus.OK, write(mirror(access), access, bytes));
        for (int copy = 0; copy < 3; copy++)
        {
            assertArrayEquals(bytes, range(access.copy(copy), AT, LENGTH), "copy " + copy);
        }
        assertTrue(access.marks.isEmpty());
        assertEquals(1, access.layout().epoch());
    }

    @Test
    void aCopyThatMissesAWriteIsMarkedStaleWithItsRangeBeforeTheWriteIsAcknowledged()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.down("n3");
        assertEquals(DataStatus.OK, write(mirror(access), access, pattern(LENGTH, 2)));
        assertEquals(1, access.marks.size());
        assertEquals(new MemorySlabAccess.Mark(0b100, AT, LENGTH), access.marks.get(0));
        assertEquals(ExtentState.STALE, access.layout().extents().get(2).state());
        assertEquals(1, metrics.staleMarks.sum());
    }

    @Test
    void aWriteIsNotAcknowledgedWithoutAMajorityInSync()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        // The primary of slab 0 is copy 0 (on n1); the two others are gone.
        access.down("n2");
        access.down("n3");
        assertEquals(DataStatus.NO_QUORUM, write(mirror(access), access, pattern(LENGTH, 3)));
        assertEquals(1, access.layout().inSyncCount());
        // Nothing more is sent while the slab has no majority.
        assertEquals(DataStatus.NO_QUORUM, write(mirror(access), access, pattern(LENGTH, 4)));
    }

    @Test
    void aCopyComingInDuringAMoveGetsEveryWriteButDoesNotRaiseTheQuorum()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.incoming("n4");
        access.down("n2");
        final byte[] bytes = pattern(LENGTH, 9);
        // Three copies and one coming in: two of the three in sync are the majority, as without the move.
        assertEquals(DataStatus.OK, write(mirror(access), access, bytes));
        assertEquals(ExtentState.STALE, access.layout().extents().get(1).state());
        assertEquals(2, access.layout().inSyncCount());
        assertArrayEquals(bytes, range(access.copy(3), AT, LENGTH), "the incoming copy has the write");
        assertArrayEquals(bytes, read(mirror(access), access, DataStatus.OK));
    }

    @Test
    void aWriteThatTooManySlowCopiesMissIsSentAgainInsteadOfMarkingThem()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.slowFor("n2", 1);
        access.slowFor("n3", 1);
        final byte[] bytes = pattern(LENGTH, 16);
        assertEquals(DataStatus.OK, write(mirror(access), access, bytes));
        assertTrue(access.marks.isEmpty(), "nobody marked: " + access.marks);
        assertEquals(3, access.layout().inSyncCount());
        assertEquals(1, metrics.quorumRetries.sum());
        for (int copy = 0; copy < 3; copy++)
        {
            assertArrayEquals(bytes, range(access.copy(copy), AT, LENGTH), "copy " + copy);
        }
    }

    @Test
    void aTwoWayMirrorKeepsWritingOnOneCopy()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2");
        final SlabStrategy strategy = Redundancy.of(Resiliency.MIRROR_2).newStrategy(access, metrics, 1 << 20);
        access.down("n2");
        final byte[] bytes = pattern(LENGTH, 5);
        assertEquals(DataStatus.OK, strategy.write(access.layout(), AT, ByteBuffer.wrap(bytes), LENGTH, false));
        assertEquals(ExtentState.STALE, access.layout().extents().get(1).state());
        assertArrayEquals(bytes, range(access.copy(0), AT, LENGTH));
    }

    @Test
    void aPrimaryThatDoesNotAnswerIsMarkedStaleAndTheWriteGoesThroughTheNext()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n2", EXTENT, "n1", "n2", "n3");
        final Extent primary = access.layout().primary();
        access.down(primary.node());
        final byte[] bytes = pattern(LENGTH, 6);
        assertEquals(DataStatus.OK, write(mirror(access), access, bytes));
        assertEquals(ExtentState.STALE, access.layout().extents().get(primary.copy()).state());
        assertNotEquals(primary.copy(), access.layout().primary().copy());
        assertEquals(new MemorySlabAccess.Mark(1 << primary.copy(), AT, LENGTH), access.marks.get(0));
        for (final Extent extent : access.layout().extents())
        {
            if (extent.state() == ExtentState.IN_SYNC)
            {
                assertArrayEquals(bytes, range(access.copy(extent.copy()), AT, LENGTH), "copy " + extent.copy());
            }
        }
    }

    @Test
    void aPrimaryWhoseDriveFailedStopIsFailedOverLikeOneThatDoesNotAnswer()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.failStop(access.layout().primary().copy());
        assertEquals(DataStatus.OK, write(mirror(access), access, pattern(LENGTH, 7)));
        assertEquals(2, access.layout().inSyncCount());
    }

    @Test
    void aMissedCopyThatCannotBeMarkedFailsTheWrite()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.down("n3");
        access.controlPlaneDown(true);
        assertEquals(DataStatus.NO_QUORUM, write(mirror(access), access, pattern(LENGTH, 8)));
        assertEquals(0, metrics.staleMarks.sum());
    }

    @Test
    void aStaleEpochIsRefetchedAndTheWriteSentAgain()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        final var old = access.layout();
        access.bumpEpoch();
        final byte[] bytes = pattern(LENGTH, 9);
        assertEquals(DataStatus.OK, mirror(access).write(old, AT, ByteBuffer.wrap(bytes), LENGTH, false));
        assertArrayEquals(bytes, range(access.copy(1), AT, LENGTH));
        assertEquals(1, metrics.staleLayouts.sum());
    }

    @Test
    void readsPreferThisNodesCopyStraightFromItsFile()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n2", EXTENT, "n1", "n2", "n3");
        final byte[] bytes = pattern(LENGTH, 10);
        write(mirror(access), access, bytes);
        assertArrayEquals(bytes, read(mirror(access), access, DataStatus.OK));
        assertEquals(1, access.directReads);
        assertEquals(0, access.serverReads);
        assertEquals(1, metrics.directReads.sum());
    }

    @Test
    void aNodeWithoutACopyReadsAnotherNodesCopy()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n4", EXTENT, "n1", "n2", "n3");
        final byte[] bytes = pattern(LENGTH, 11);
        write(mirror(access), access, bytes);
        access.down("n1");
        assertArrayEquals(bytes, read(mirror(access), access, DataStatus.OK));
        assertEquals(1, access.serverReads);
    }

    @Test
    void aCopyFailingItsChecksumIsSkippedAndHealedThroughThePrimary()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n2", EXTENT, "n1", "n2", "n3");
        final byte[] bytes = pattern(LENGTH, 12);
        write(mirror(access), access, bytes);
        access.corrupt(1, AT + 100); // n2's own copy: the direct read cannot vouch for it, the server says so
        assertArrayEquals(bytes, read(mirror(access), access, DataStatus.OK));
        assertEquals(1, metrics.checksumFailures.sum());
        assertEquals(1, metrics.healedRanges.sum());
        assertEquals(new MemorySlabAccess.Repair(1, AT, LENGTH), access.repairs.get(0));
        assertTrue(!access.isCorrupt(1, AT + 100), "the bad block was rewritten");
    }

    @Test
    void aReadThatFailsItsChecksumOnEveryCopyIsAnErrorNeverBadBytes()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        write(mirror(access), access, pattern(LENGTH, 13));
        for (int copy = 0; copy < 3; copy++)
        {
            access.corrupt(copy, AT);
        }
        read(mirror(access), access, DataStatus.CHECKSUM_MISMATCH);
        assertTrue(access.repairs.isEmpty(), "nothing good to heal from");
    }

    @Test
    void staleCopiesAreNeverRead()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n3", EXTENT, "n1", "n2", "n3");
        access.down("n3");
        final byte[] bytes = pattern(LENGTH, 14);
        write(mirror(access), access, bytes); // n3's copy misses it and is marked stale
        access.up("n3");
        assertArrayEquals(bytes, read(mirror(access), access, DataStatus.OK));
        assertEquals(0, access.directReads, "n3's own copy is stale: not read even though it is local");
    }

    @Test
    void aReadWaitsForADeadCopyOnlyBrieflyWhenAnotherCanServeIt()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n4", EXTENT, "n1", "n2", "n3");
        final byte[] bytes = pattern(LENGTH, 15);
        write(mirror(access), access, bytes);
        access.down("n1");
        access.down("n2");
        assertArrayEquals(bytes, read(mirror(access), access, DataStatus.OK));
        assertEquals(java.util.List.of("n1 for 1000 ms", "n2 for 1000 ms", "n3 until the deadline"), access.asked,
            "the last copy left gets the whole deadline");
    }

    @Test
    void aFlushMarksTheCopiesOfANodeThatDoesNotAnswerStaleWhole()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.down("n2");
        assertEquals(DataStatus.OK, mirror(access).flush(MemorySlabAccess.VOLUME, 1));
        assertEquals(new MemorySlabAccess.Mark(0b010, 0, EXTENT), access.marks.get(0));
        assertTrue(access.flushed.contains("n1") && access.flushed.contains("n3"));
    }

    @Test
    void aFlushFailsWhenTooFewCopiesWouldBeLeft()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        access.down("n2");
        access.down("n3");
        assertEquals(DataStatus.TIMEOUT, mirror(access).flush(MemorySlabAccess.VOLUME, 1));
    }

    private static ByteBuffer halves(final byte[] compare, final byte[] write)
    {
        return ByteBuffer.allocate(compare.length + write.length).put(compare).put(write).flip();
    }

    @Test
    void aCompareAndWriteWritesEveryCopyOnlyWhenThePrimarysBytesMatch()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        final SlabStrategy mirror = mirror(access);
        final byte[] old = pattern(LENGTH, 20);
        final byte[] next = pattern(LENGTH, 21);
        assertEquals(DataStatus.OK, write(mirror, access, old));
        final byte[] wrong = old.clone();
        wrong[100]++;

        final int status = mirror.compareAndWrite(access.layout(), AT, halves(wrong, next), LENGTH, false);
        assertEquals(100, DataStatus.miscompareIndex(status), DataStatus.describe(status));
        assertArrayEquals(old, range(access.copy(1), AT, LENGTH), "nothing written");

        final ByteBuffer src = halves(old, next);
        assertEquals(DataStatus.OK, mirror.compareAndWrite(access.layout(), AT, src, LENGTH, true));
        assertEquals(0, src.position(), "the strategy does not move the buffer's position");
        for (int copy = 0; copy < 3; copy++)
        {
            assertArrayEquals(next, range(access.copy(copy), AT, LENGTH), "copy " + copy);
        }
        assertEquals(java.util.List.of(false, false), access.compareAttempts, "sent once each, not again");
    }

    @Test
    void aCompareAndWriteSentAgainAfterItsFirstAttemptWroteSucceedsInsteadOfMiscomparing()
    {
        final MemorySlabAccess access = new MemorySlabAccess("n1", EXTENT, "n1", "n2", "n3");
        final SlabStrategy mirror = mirror(access);
        final byte[] old = pattern(LENGTH, 22);
        final byte[] next = pattern(LENGTH, 23);
        assertEquals(DataStatus.OK, write(mirror, access, old));
        // The primary takes the first attempt, both other copies miss it: too many to mark, so it goes again.
        access.slowFor("n2", 1);
        access.slowFor("n3", 1);
        assertEquals(DataStatus.OK, mirror.compareAndWrite(access.layout(), AT, halves(old, next), LENGTH, false));
        assertEquals(java.util.List.of(false, true), access.compareAttempts);
        assertTrue(access.marks.isEmpty(), "nobody marked: " + access.marks);
        for (int copy = 0; copy < 3; copy++)
        {
            assertArrayEquals(next, range(access.copy(copy), AT, LENGTH), "copy " + copy);
        }
    }
}
