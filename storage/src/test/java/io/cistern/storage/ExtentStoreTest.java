package io.cistern.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.cistern.storage.ExtentFile.BLOCK_SIZE;
import static io.cistern.storage.IoStatus.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ExtentStoreTest
{
    private static final long LENGTH = 64L * BLOCK_SIZE;
    private static final ExtentId A = new ExtentId(7, 0, 0);
    private static final ExtentId B = new ExtentId(7, 1, 2);
    private static final ExtentId C = new ExtentId(1, 5, 0);

    @TempDir
    Path dir;

    private ExtentStore store;

    @BeforeEach
    void openStore() throws IOException
    {
        store = ExtentStore.open(dir);
    }

    @AfterEach
    void closeStore() throws IOException
    {
        store.close();
    }

    @Test
    void createsExtentsAndListsThemInNameOrder() throws IOException
    {
        assertEquals(List.of(), store.list());
        store.create(A, LENGTH);
        store.create(B, LENGTH);
        store.create(C, 2 * LENGTH);

        assertEquals(List.of(C, A, B), store.list());
        assertTrue(store.contains(A));
        assertFalse(store.contains(new ExtentId(7, 0, 1)));
    }

    @Test
    void openReturnsTheSameHandle() throws IOException
    {
        final ExtentFile created = store.create(A, LENGTH);
        assertSame(created, store.open(A));
        assertSame(store.open(A), store.open(A));
    }

    @Test
    void refusesToCreateAnExtentThatExists() throws IOException
    {
        store.create(A, LENGTH);
        final String open = assertThrows(ExtentException.class, () -> store.create(A, LENGTH)).getMessage();
        assertTrue(open.contains("already exists"), open);

        store.close();
        store = ExtentStore.open(dir);
        final String onDisk = assertThrows(ExtentException.class, () -> store.create(A, LENGTH)).getMessage();
        assertTrue(onDisk.contains(dir.resolve(A.fileName()) + ": already exists"), onDisk);
    }

    @Test
    void refusesToOpenAMissingExtent()
    {
        final String message = assertThrows(ExtentException.class, () -> store.open(A)).getMessage();
        assertEquals(dir.resolve(A.fileName()) + ": no extent " + A + " on this drive", message);
    }

    @Test
    void keepsExtentsAcrossARestart() throws IOException
    {
        final byte[] bytes = "the only copy".getBytes();
        assertEquals(OK, store.create(A, LENGTH).write(BLOCK_SIZE - 3, ByteBuffer.wrap(bytes), true));
        final ExtentFile before = store.open(A);
        store.close();

        store = ExtentStore.open(dir);
        final ExtentFile after = store.open(A);
        assertNotSame(before, after);
        final ByteBuffer dst = ByteBuffer.allocate(bytes.length);
        assertEquals(OK, after.read(BLOCK_SIZE - 3, dst));
        assertEquals("the only copy", new String(dst.array()));
        assertThrows(IllegalStateException.class, () -> before.read(0, ByteBuffer.allocate(1)), "the old handle was closed");
    }

    @Test
    void deleteClosesAndRemovesTheExtent() throws IOException
    {
        final ExtentFile extent = store.create(A, LENGTH);
        store.create(B, LENGTH);

        assertTrue(store.delete(A));
        assertEquals(List.of(B), store.list());
        assertFalse(Files.exists(dir.resolve(A.fileName())));
        assertThrows(IllegalStateException.class, () -> extent.read(0, ByteBuffer.allocate(1)));
        assertFalse(store.delete(A), "deleting what is gone is not an error");
        assertThrows(ExtentException.class, () -> store.open(A));
        store.create(A, LENGTH);
    }

    @Test
    void knowsWhatItHoldsAcrossAReopenWithoutAskingTheFilesystemEachTime() throws IOException
    {
        store.create(A, LENGTH);
        store.create(B, LENGTH);
        store.delete(A);
        store.close();

        store = ExtentStore.open(dir);
        assertFalse(store.contains(A), "deleted before the reopen");
        assertTrue(store.contains(B), "listed when the store opened");
        assertFalse(store.contains(new ExtentId(B.volumeId(), B.slab(), B.copy() + 1)), "another copy of the slab");
        assertFalse(store.contains(new ExtentId(B.volumeId(), B.slab() + 1, B.copy())), "the next slab");
        store.create(A, LENGTH);
        assertTrue(store.contains(A));
        store.delete(B);
        assertFalse(store.contains(B));
    }

    @Test
    void listsOnlyExtentFiles() throws IOException
    {
        new DriveHeader(java.util.UUID.randomUUID(), io.cistern.config.MediaType.SSD, 1L << 30, "n",
            java.time.Instant.EPOCH).writeTo(dir);
        Files.createDirectory(dir.resolve("lost+found"));
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.createDirectory(dir.resolve(C.fileName()));
        store.create(A, LENGTH);

        assertEquals(List.of(A), store.list());
        assertEquals(new ExtentHeader(A, LENGTH).fileLength(), store.allocatedBytes());
    }

    @Test
    void countsTheFullLengthOfEveryExtentAsAllocated() throws IOException
    {
        store.create(A, LENGTH);
        store.create(B, 3 * LENGTH);
        assertEquals(2 * BLOCK_SIZE + LENGTH + 2 * BLOCK_SIZE + 3 * LENGTH, store.allocatedBytes(),
            "a header block and a checksum block per extent, plus its data, written or not");
    }

    @Test
    void removesTheTemporaryFilesOfCreatesThatCrashed() throws IOException
    {
        store.close();
        final Path unfinished = Files.write(dir.resolve(A.fileName() + ExtentFile.TMP_SUFFIX), new byte[100]);
        final Path foreign = Files.write(dir.resolve("someone.tmp"), new byte[1]);

        store = ExtentStore.open(dir);
        assertFalse(Files.exists(unfinished));
        assertTrue(Files.exists(foreign), "files that are not extents are left alone");
        assertEquals(List.of(), store.list());
        store.create(A, LENGTH);
    }

    @Test
    void refusesADirectoryThatIsNotThere()
    {
        assertThrows(DriveException.class, () -> ExtentStore.open(dir.resolve("missing")));
    }
}
