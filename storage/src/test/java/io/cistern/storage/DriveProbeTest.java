package io.cistern.storage;

import io.cistern.config.DriveSettings;
import io.cistern.config.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriveProbeTest
{
    @TempDir
    Path tmp;

    private LocalDrive stamp(final String name) throws Exception
    {
        final Path dir = Files.createDirectory(tmp.resolve(name));
        return new DriveDiscovery(Clock.systemUTC()).discover(List.of(new DriveSettings(dir, MediaType.SSD, 1L << 30)), "node-1")
            .get(0);
    }

    @Test
    void aWorkingDriveAnswersAndKeepsNoProbeFile() throws Exception
    {
        final LocalDrive drive = stamp("d0");
        final DriveProbe probe = new DriveProbe(drive.path(), drive.header().id());

        assertNull(probe.check());
        assertNull(probe.check(), "a probe can be repeated");
        assertFalse(Files.exists(drive.path().resolve(DriveProbe.FILE_NAME)));
    }

    @Test
    void aDirectoryThatTakesNoWritesFailsTheProbe() throws Exception
    {
        final LocalDrive drive = stamp("d0");
        final DriveProbe probe = new DriveProbe(drive.path(), drive.header().id());
        try (ReadOnly ignored = ReadOnly.make(drive.path()))
        {
            final String failure = probe.check();
            assertTrue(failure != null && failure.contains("probe write") && failure.contains(drive.path().toString()), failure);
        }
        assertNull(probe.check(), "writable again, it answers again");
    }

    @Test
    void aVanishedDriveFailsTheProbe() throws Exception
    {
        final LocalDrive drive = stamp("d0");
        final DriveProbe probe = new DriveProbe(drive.path(), drive.header().id());
        Files.move(drive.path(), tmp.resolve("elsewhere"));

        final String failure = probe.check();
        assertTrue(failure != null && failure.contains("header") && failure.contains("NoSuchFileException"), failure);
    }

    @Test
    void anotherDriveInTheSamePlaceFailsTheProbe() throws Exception
    {
        final LocalDrive drive = stamp("d0");
        final DriveProbe probe = new DriveProbe(drive.path(), UUID.randomUUID());

        final String failure = probe.check();
        assertTrue(failure != null && failure.contains("now holds drive " + drive.header().id()), failure);
    }
}
