package io.cistern.actors.pool;

import io.cistern.actors.Samples;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Provisioning;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.FaultDomainLevel;
import org.agrona.collections.Long2ObjectHashMap;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestKitJUnit5Extension.class)
class ViewSnapshotTest
{
    private static final Extent A = new Extent(0, "d1", "node-1", ExtentState.IN_SYNC);
    private static final Extent B = new Extent(1, "d2", "node-2", ExtentState.IN_SYNC);
    private static final Extent C = new Extent(2, "d3", "node-3", ExtentState.STALE);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @TempDir
    Path dir;

    static ViewSnapshot.Contents sample()
    {
        final VolumeInfo info = new VolumeInfo("vol1", 42L, 6L << 20, Resiliency.MIRROR_3, Provisioning.FIXED, 1L << 20,
            FaultDomainLevel.NODE, 5L, new ArrayList<>());
        final Object[] held = new Object[6];
        held[0] = new SlabLayout(42L, 0, 1L, 1L << 20, new ArrayList<>(List.of(A, B, C)));
        held[1] = new SlabLayout(42L, 1, 9L, 1L << 20, new ArrayList<>(List.of(B, C, A)));
        held[3] = new Slab.Active(new SlabLayout(42L, 3, 4L, 1L << 20, new ArrayList<>(List.of(A, B, C))),
            new ArrayList<>(List.of(new Slab.DirtyRange(2, 4096, 8192))));
        held[4] = new Slab.Gone();
        final Long2ObjectHashMap<Object[]> slabs = new Long2ObjectHashMap<>();
        slabs.put(42L, held);
        return new ViewSnapshot.Contents(
            Map.of(Drive.TAG, 17L, Volume.TAG, 3L, Slab.TAG, 129L),
            Map.of("d1", new Drive.Known(Samples.status(Samples.driveInfo("d1", "node-1"), 2, DriveHealth.HEALTHY))),
            Map.of("vol1", new Volume.Live(info)),
            Set.of(7L, 8L),
            slabs);
    }

    private ViewSnapshot.StateCodec codec()
    {
        return new SerializedStates(testKit.system());
    }

    @Test
    void readsBackWhatItWrote() throws IOException
    {
        final Path file = dir.resolve("pool-view.snapshot");
        final ViewSnapshot.Contents written = sample();
        final long bytes = ViewSnapshot.write(file, written, codec());
        assertEquals(Files.size(file), bytes);

        final ViewSnapshot.Contents read = ViewSnapshot.read(file, codec());
        assertEquals(written.offsets(), read.offsets());
        assertEquals(written.drives(), read.drives());
        assertEquals(written.volumes(), read.volumes());
        assertEquals(written.deletedVolumes(), read.deletedVolumes());
        assertArrayEquals(written.slabs().get(42L), read.slabs().get(42L));
        assertEquals(4, read.slabCount());
        final SlabLayout first = (SlabLayout) read.slabs().get(42L)[0];
        final SlabLayout second = (SlabLayout) read.slabs().get(42L)[1];
        assertSame(first.extents().get(0), second.extents().get(2), "copies read back as the pool's shared instances");
        assertEquals(List.of("pool-view.snapshot"), List.of(dir.toFile().list()), "nothing left beside the snapshot");
    }

    @Test
    void aFlippedByteFailsTheChecksum() throws IOException
    {
        final Path file = dir.resolve("pool-view.snapshot");
        ViewSnapshot.write(file, sample(), codec());
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long middle = raw.length() / 2;
            raw.seek(middle);
            final int b = raw.read();
            raw.seek(middle);
            raw.write(b ^ 0x10);
        }
        final IOException failed = assertThrows(IOException.class, () -> ViewSnapshot.read(file, codec()));
        assertTrue(failed.getMessage().startsWith(file.toString()), failed.getMessage());
    }

    @Test
    void aTornOrForeignFileIsRefusedAndSaysSo() throws IOException
    {
        final Path file = dir.resolve("pool-view.snapshot");
        ViewSnapshot.write(file, sample(), codec());
        final byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 40));
        final IOException torn = assertThrows(IOException.class, () -> ViewSnapshot.read(file, codec()));
        assertTrue(torn.getMessage().contains(file.toString()), torn.getMessage());

        Files.write(file, "not a snapshot at all, just text".getBytes());
        final IOException foreign = assertThrows(IOException.class, () -> ViewSnapshot.read(file, codec()));
        assertEquals(file + ": not a pool view snapshot", foreign.getMessage());
    }
}
