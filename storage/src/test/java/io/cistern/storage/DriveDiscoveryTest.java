package io.cistern.storage;

import io.cistern.config.DriveSettings;
import io.cistern.config.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriveDiscoveryTest
{
    private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");
    private final DriveDiscovery discovery = new DriveDiscovery(Clock.fixed(NOW, ZoneOffset.UTC));

    @TempDir
    Path tmp;

    private static DriveSettings drive(final Path path, final long capacity)
    {
        return new DriveSettings(path, MediaType.NVME, capacity);
    }

    private String refusal(final DriveSettings... drives)
    {
        return assertThrows(DriveException.class, () -> discovery.discover(List.of(drives), "node-1")).getMessage();
    }

    @Test
    void stampsANewDirectory() throws IOException
    {
        final Path dir = Files.createDirectory(tmp.resolve("d0"));
        final LocalDrive drive = discovery.discover(List.of(drive(dir, 1L << 30)), "rack-1").get(0);

        assertTrue(drive.stamped());
        assertEquals(dir, drive.path());
        assertEquals(MediaType.NVME, drive.header().mediaType());
        assertEquals(1L << 30, drive.header().capacityBytes());
        assertEquals("rack-1", drive.header().faultDomain());
        assertEquals(NOW, drive.header().created());
        assertEquals(drive.header(), DriveHeader.readFrom(dir), "what was stamped reads back");
        assertFalse(Files.exists(dir.resolve(DriveProbe.FILE_NAME)), "the write probe is cleaned up");
    }

    @Test
    void recognisesAStampedDriveAfterARestart() throws IOException
    {
        final Path dir = Files.createDirectory(tmp.resolve("d0"));
        final LocalDrive first = discovery.discover(List.of(drive(dir, 1L << 30)), "node-1").get(0);
        final LocalDrive again = discovery.discover(List.of(drive(dir, 1L << 30)), "node-1").get(0);

        assertFalse(again.stamped());
        assertEquals(first.header(), again.header());
    }

    @Test
    void neverOffersMoreThanTheFilesystemHas() throws IOException
    {
        final Path dir = Files.createDirectory(tmp.resolve("d0"));
        final long free = Files.getFileStore(dir).getUsableSpace();
        final LocalDrive huge = discovery.discover(List.of(drive(dir, 1L << 60)), "node-1").get(0);
        assertTrue(huge.header().capacityBytes() <= free, "capacity " + huge.header().capacityBytes() + " > free " + free);
        assertTrue(huge.header().capacityBytes() > 0);

        final Path unsized = Files.createDirectory(tmp.resolve("d1"));
        assertTrue(discovery.discover(List.of(drive(unsized, 0)), "node-1").get(0).header().capacityBytes() <= free);
    }

    @Test
    void drivesOnOneFilesystemShareItsFreeSpace() throws IOException
    {
        final long free = Files.getFileStore(tmp).getUsableSpace();
        final List<Path> dirs = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            dirs.add(Files.createDirectories(tmp.resolve("shared-" + i)));
        }
        // Each asks for 40% of the free space: together they would promise 120% of it.
        final List<LocalDrive> drives = discovery.discover(dirs.stream().map(d -> drive(d, free * 2 / 5)).toList(), "node-1");
        // Other processes write to the same filesystem meanwhile: the free space is compared at both ends.
        final long freeAfter = Files.getFileStore(tmp).getUsableSpace();
        final long offered = drives.stream().mapToLong(d -> d.header().capacityBytes()).sum();
        assertTrue(offered <= Math.max(free, freeAfter), "three drives offer " + offered + " on " + free + " free");
        assertEquals(free * 2 / 5, drives.get(0).header().capacityBytes(), "the first gets what it asked for");
        assertTrue(drives.get(2).header().capacityBytes() < free * 2 / 5, "the last gets what is left");

        // Beside a drive that promised far more than the filesystem has, a new one has nothing to offer.
        final Path greedy = Files.createDirectories(tmp.resolve("greedy"));
        new DriveHeader(java.util.UUID.randomUUID(), MediaType.SSD, free * 10, "node-1", NOW).writeTo(greedy);
        final Path late = Files.createDirectories(tmp.resolve("shared-late"));
        final DriveException none = assertThrows(DriveException.class,
            () -> discovery.open(drive(late, 0), "node-1", List.of(greedy)), "a drive added later finds nothing left");
        assertTrue(none.getMessage().contains("the filesystem has no free space to offer"), none.getMessage());
        assertTrue(none.getMessage().contains("promised to [" + greedy + "]"), none.getMessage());
    }

    @Test
    void anOvercommittedDriveOffersWhatItIsToldAndSaysSoInItsSettings() throws IOException
    {
        final long free = Files.getFileStore(tmp).getUsableSpace();
        final Path dir = Files.createDirectories(tmp.resolve("sparse"));
        final LocalDrive drive = discovery.open(new DriveSettings(dir, MediaType.SSD, free * 4, true), "node-1");
        assertEquals(free * 4, drive.header().capacityBytes());
    }

    @Test
    void theOfferIsWhatIsAskedAtMostWhatIsLeft()
    {
        assertEquals(60, DriveDiscovery.offer(0, 100, 40), "0 asks for all that is left");
        assertEquals(30, DriveDiscovery.offer(30, 100, 40));
        assertEquals(60, DriveDiscovery.offer(90, 100, 40));
        assertEquals(-20, DriveDiscovery.offer(90, 100, 120), "nothing left: refused by the caller");
    }

    @Test
    void refusesTwoDirectoriesWithTheSameDriveId() throws IOException
    {
        final Path original = Files.createDirectory(tmp.resolve("original"));
        discovery.discover(List.of(drive(original, 1L << 30)), "node-1");
        final Path copy = Files.createDirectory(tmp.resolve("copy"));
        Files.copy(original.resolve(DriveHeader.FILE_NAME), copy.resolve(DriveHeader.FILE_NAME));

        final String message = refusal(drive(original, 1L << 30), drive(copy, 1L << 30));
        assertTrue(message.contains(copy + ": drive id " + DriveHeader.readFrom(original).id() + " is also the id of " + original),
            message);
    }

    @Test
    void refusesAMissingPath()
    {
        final Path missing = tmp.resolve("missing");
        assertTrue(refusal(drive(missing, 1)).contains(missing + ": does not exist"));
    }

    @Test
    void refusesAFileInsteadOfADirectory() throws IOException
    {
        final Path file = Files.writeString(tmp.resolve("file"), "x");
        assertTrue(refusal(drive(file, 1)).contains(file + ": is not a directory"));
    }

    @Test
    void refusesAnUnwritableDirectory() throws Exception
    {
        final Path dir = Files.createDirectory(tmp.resolve("read-only"));
        try (ReadOnly ignored = ReadOnly.make(dir))
        {
            final String message = refusal(drive(dir, 1L << 30));
            assertTrue(message.contains(dir + ": is not writable"), message);
        }
        assertFalse(DriveHeader.existsIn(dir), "nothing was stamped");
    }

    @Test
    void refusesANonEmptyDirectoryWithoutAHeader() throws IOException
    {
        final Path dir = Files.createDirectory(tmp.resolve("busy"));
        Files.writeString(dir.resolve("someone-elses.data"), "precious");
        assertTrue(refusal(drive(dir, 1)).contains(dir + ": is not empty and has no " + DriveHeader.FILE_NAME));
        assertEquals("precious", Files.readString(dir.resolve("someone-elses.data")));
    }

    @Test
    void refusesADamagedHeaderAndLeavesItAlone() throws IOException
    {
        final Path dir = Files.createDirectory(tmp.resolve("d0"));
        discovery.discover(List.of(drive(dir, 1L << 30)), "node-1");
        final Path header = dir.resolve(DriveHeader.FILE_NAME);
        final byte[] bytes = Files.readAllBytes(header);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(header, bytes);

        final String message = refusal(drive(dir, 1L << 30));
        assertTrue(message.contains("header checksum mismatch"), message);
        assertEquals(new String(bytes), Files.readString(header), "a damaged header is never rewritten");
    }

    @Test
    void refusesAHeaderOfAnotherFormatVersion() throws IOException
    {
        final Path dir = Files.createDirectory(tmp.resolve("d0"));
        final DriveHeader header = new DriveHeader(java.util.UUID.randomUUID(), MediaType.HDD, 1, "n", NOW);
        header.writeTo(dir);
        final Path file = dir.resolve(DriveHeader.FILE_NAME);
        // Rewrite the version and recompute the checksum, as a future Cistern would.
        final String body = Files.readString(file).replace("format-version=1", "format-version=9");
        final String withoutCrc = body.substring(0, body.lastIndexOf("crc32c="));
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(withoutCrc.getBytes());
        Files.writeString(file, withoutCrc + String.format("crc32c=%08x%n", crc.getValue()));

        assertTrue(refusal(drive(dir, 1)).contains("format-version=9 is not supported"));
    }

    @Test
    void namesEveryRefusedDrive()
    {
        final Path a = tmp.resolve("a");
        final Path b = tmp.resolve("b");
        final String message = refusal(drive(a, 1), drive(b, 1));
        assertTrue(message.contains(a + ": does not exist") && message.contains(b + ": does not exist"), message);
    }
}
