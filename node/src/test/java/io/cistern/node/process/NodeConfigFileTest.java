package io.cistern.node.process;

import io.cistern.config.CisternSettings;
import io.cistern.config.DriveSettings;
import io.cistern.config.MediaType;
import io.cistern.config.SettingsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeConfigFileTest
{
    @TempDir
    Path tmp;

    @Test
    void anAddedDriveIsAppendedSoTheNextStartFindsItAndTheRestOfTheFileStays() throws Exception
    {
        final Path d1 = Files.createDirectory(tmp.resolve("drive 1"));
        final Path d2 = Files.createDirectory(tmp.resolve("drive \"2\""));
        final String original = "# the administrator's comment\n" +
            "cistern {\n  node {\n    name = \"node-7\"\n    drives = [ { path = \"" + d1 + "\", media-type = ssd } ]\n  }\n}";
        final Path real = Files.writeString(tmp.resolve("node.conf"), original);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        final Path link = Files.createSymbolicLink(tmp.resolve("link.conf"), real);
        final NodeConfigFile config = new NodeConfigFile(link);

        final NodeConfigFile.Change change = config.appendDrive(new DriveSettings(d2, MediaType.HDD, 3L << 30),
            Instant.parse("2026-11-22T10:00:00Z"));
        assertEquals(original, change.before());
        final String after = Files.readString(real);
        assertEquals(change.after(), after);
        assertTrue(after.startsWith(original + "\n# Added by `cistern drive add` at 2026-11-22T10:00:00Z\n"), after);
        assertTrue(Files.isSymbolicLink(link), "the link still leads to the file it led to");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        final CisternSettings settings = SettingsReader.load(link);
        assertEquals("node-7", settings.node().name());
        assertEquals(List.of(new DriveSettings(d1, MediaType.SSD, 0), new DriveSettings(d2, MediaType.HDD, 3L << 30)),
            settings.node().drives());

        assertSame(NodeConfigFile.Change.NONE, config.appendDrive(new DriveSettings(d2, MediaType.HDD, 0), Instant.now()),
            "a drive the file lists already is not listed twice");
        assertEquals(after, Files.readString(real));

        assertTrue(config.undo(change));
        assertEquals(original, Files.readString(real));
        assertEquals(List.of(new DriveSettings(d1, MediaType.SSD, 0)), SettingsReader.load(real).node().drives());
    }

    @Test
    void anUndoLeavesAFileEditedSinceAlone() throws Exception
    {
        final Path d1 = Files.createDirectory(tmp.resolve("d1"));
        final Path file = Files.writeString(tmp.resolve("node.conf"), "cistern.node.name = n1\n");
        final NodeConfigFile config = new NodeConfigFile(file);
        final NodeConfigFile.Change change = config.appendDrive(new DriveSettings(d1, MediaType.SSD, 0), Instant.now());
        final String edited = Files.readString(file) + "cistern.repair.concurrency = 2\n";
        Files.writeString(file, edited);

        assertFalse(config.undo(change));
        assertEquals(edited, Files.readString(file));
    }

    @Test
    void aChangeTheNodeCouldNotStartFromIsNotWritten() throws Exception
    {
        final Path d1 = Files.createDirectory(tmp.resolve("d1"));
        final String original = "{ \"cistern\": { \"node\": { \"name\": \"n1\" } } }\n";
        final Path file = Files.writeString(tmp.resolve("node.json"), original);

        final IOException refused = assertThrows(IOException.class, () -> new NodeConfigFile(file)
            .appendDrive(new DriveSettings(d1, MediaType.SSD, 0), Instant.now()));
        assertTrue(refused.getMessage().contains("would not be valid with the change"), refused.getMessage());
        assertEquals(original, Files.readString(file));
        assertEquals(List.of(file), List.of(Files.list(tmp).filter(Files::isRegularFile).toArray()), "nothing left beside it");
    }
}
