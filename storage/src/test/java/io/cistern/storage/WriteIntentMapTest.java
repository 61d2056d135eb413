package io.cistern.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteIntentMapTest
{
    private static final long EXTENT = 16L << 20;
    private static final int REGION = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void marksTheRegionsAWriteTouchesAndKeepsThemAcrossAReopen() throws Exception
    {
        final Path extent = dir.resolve("extent");
        try (WriteIntentMap map = WriteIntentMap.create(extent, EXTENT, REGION, 7))
        {
            assertEquals(16, map.regions());
            assertTrue(map.mark(REGION - 4096, 8192), "straddles regions 0 and 1");
            assertFalse(map.mark(4096, 4096), "region 0 is marked already: nothing to write");
            assertTrue(map.mark(15L * REGION, REGION));
        }
        try (WriteIntentMap map = WriteIntentMap.open(extent, EXTENT))
        {
            assertEquals(7, map.since());
            assertEquals(3, map.dirtyRegions());
            assertTrue(map.isDirty(0) && map.isDirty(1) && map.isDirty(15));
            assertFalse(map.isDirty(2));
            assertArrayEquals(new long[] {(1L << 15) | 0b11}, map.words());
        }
    }

    @Test
    void anExtentWithoutAMapHasNone() throws Exception
    {
        assertNull(WriteIntentMap.open(dir.resolve("extent"), EXTENT));
    }

    @Test
    void aDamagedOrMismatchedMapIsLostNotEmpty() throws Exception
    {
        final Path extent = dir.resolve("extent");
        try (WriteIntentMap map = WriteIntentMap.create(extent, EXTENT, REGION, 1))
        {
            map.mark(0, 4096);
        }
        assertThrows(ExtentException.class, () -> WriteIntentMap.open(extent, 2 * EXTENT), "another extent's size");
        try (RandomAccessFile file = new RandomAccessFile(WriteIntentMap.pathOf(extent).toFile(), "rw"))
        {
            file.seek(28);
            file.write(0); // clears the bit of region 0
        }
        final ExtentException lost = assertThrows(ExtentException.class, () -> WriteIntentMap.open(extent, EXTENT));
        assertTrue(lost.getMessage().contains("checksum mismatch"), lost.getMessage());
    }

    @Test
    void refusesRangesOutsideTheExtentAndOddRegionSizes() throws Exception
    {
        assertThrows(IllegalArgumentException.class, () -> WriteIntentMap.create(dir.resolve("a"), EXTENT, 3000, 1));
        try (WriteIntentMap map = WriteIntentMap.create(dir.resolve("b"), EXTENT, REGION, 1))
        {
            assertThrows(IllegalArgumentException.class, () -> map.mark(EXTENT - 4096, 8192));
            assertThrows(IllegalArgumentException.class, () -> map.mark(-1, 1));
        }
    }

    @Test
    void deletingTheExtentDeletesItsMap() throws Exception
    {
        try (ExtentStore store = ExtentStore.open(dir))
        {
            final ExtentId id = new ExtentId(5, 1, 0);
            final ExtentFile file = store.create(id, 1 << 20);
            WriteIntentMap.create(file.file(), 1 << 20, 64 * 1024, 2).close();
            assertTrue(Files.exists(WriteIntentMap.pathOf(file.file())));
            assertEquals(1, store.list().size(), "the map is not taken for an extent");
            store.delete(id);
            assertFalse(Files.exists(WriteIntentMap.pathOf(file.file())));
        }
    }
}
