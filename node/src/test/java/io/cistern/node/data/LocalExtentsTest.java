package io.cistern.node.data;

import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.node.metrics.DriveMetrics;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.storage.ExtentId;
import io.cistern.storage.ExtentStore;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The housekeeper's deletion of copies that moved to another drive, when this node's table holds an
 * older layout than the Slab entity (a node catching up on the journal after a restart).
 */
class LocalExtentsTest
{
    private static final long VOLUME = 0x2a;
    private static final long EXTENT = 1L << 20;
    private static final ExtentId COPY_0 = new ExtentId(VOLUME, 0, 0);

    @TempDir
    Path drive;

    private ExtentStore store;
    private final LayoutTable table = new LayoutTable();
    private LocalExtents extents;
    private final MetricsRegistry metrics = new MetricsRegistry();

    @BeforeEach
    void open() throws Exception
    {
        store = ExtentStore.open(drive);
        store.create(COPY_0, EXTENT).close();
        extents = new LocalExtents(table, Map.of("here", store), node -> null, new DriveFailures(), metrics);
    }

    @AfterEach
    void close() throws Exception
    {
        store.close();
    }

    private static SlabLayout layout(final long epoch, final String copy0Drive)
    {
        return new SlabLayout(VOLUME, 0, epoch, EXTENT, new ArrayList<>(List.of(
            new Extent(0, copy0Drive, "node-x", ExtentState.REBUILDING), new Extent(1, "other", "node-y", ExtentState.IN_SYNC))));
    }

    /** Runs the housekeeper until it has nothing left to do (the entity's answers here are already complete). */
    private void houseKeep(final Agent housekeeper) throws Exception
    {
        for (int i = 0; i < 10 && housekeeper.doWork() > 0; i++)
        {
            // bounded: each round drains what the last one queued
        }
    }

    @Test
    void aCopyMovedHereIsKeptWhileTheTableStillShowsItsOldDrive() throws Exception
    {
        // The table has learned only the layout before the move: copy 0 on the retired drive.
        table.placed(layout(1, "retired"));
        extents.slabPlaced(VOLUME, 0);
        final Agent housekeeper = extents.housekeeper();
        houseKeep(housekeeper);
        assertTrue(store.contains(COPY_0), "nothing is deleted before the Slab entity is asked");

        final AtomicInteger asked = new AtomicInteger();
        extents.confirmMovesWith((volume, index) ->
        {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(layout(2, "here"));
        });
        houseKeep(housekeeper);
        assertEquals(1, asked.get(), "the held-back slab is confirmed once");
        assertTrue(store.contains(COPY_0), "the entity has the copy here: the file is the rebuild's, and stays");
    }

    @Test
    void aCopyThatReallyMovedAwayIsDeletedOnceTheEntityConfirms() throws Exception
    {
        extents.confirmMovesWith((volume, index) -> CompletableFuture.completedFuture(layout(3, "elsewhere")));
        table.placed(layout(3, "elsewhere"));
        extents.slabPlaced(VOLUME, 0);
        houseKeep(extents.housekeeper());
        assertFalse(store.contains(COPY_0), "both the table and the entity have it on another drive");
    }

    @Test
    void anUnansweredConfirmationKeepsTheFile() throws Exception
    {
        extents.confirmMovesWith((volume, index) -> CompletableFuture.failedFuture(new IllegalStateException("no answer")));
        table.placed(layout(3, "elsewhere"));
        extents.slabPlaced(VOLUME, 0);
        houseKeep(extents.housekeeper());
        assertTrue(store.contains(COPY_0));
    }

    @Test
    void extentIoIsCountedAgainstItsDrive() throws Exception
    {
        store.create(new ExtentId(VOLUME, 1, 0), EXTENT); // left open: the data server's to use
        table.placed(new SlabLayout(VOLUME, 1, 1, EXTENT, new ArrayList<>(List.of(
            new Extent(0, "here", "node-x", ExtentState.IN_SYNC), new Extent(1, "other", "node-y", ExtentState.IN_SYNC)))));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        buffer.setMemory(0, 8192, (byte)7);
        assertEquals(0, extents.write(VOLUME, 1, 0, 4096, buffer, 0, 8192, false));
        assertEquals(0, extents.read(VOLUME, 1, 0, 4096, 8192, buffer, 0));
        final DriveMetrics here = metrics.drive("here");
        assertEquals(1, here.writes.sum());
        assertEquals(1, here.reads.sum());
        assertEquals(8192, here.bytesWritten.sum());
        assertEquals(8192, here.bytesRead.sum());
        assertEquals(1, here.writeLatency.snapshot().getTotalCount());
        assertEquals(1, here.readLatency.snapshot().getTotalCount());
        assertFalse(metrics.drives().containsKey("other"), "copy 1 is on another node: nothing done here");
    }
}
