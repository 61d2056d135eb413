package io.cistern.node;

import io.cistern.config.CisternSettings;
import io.cistern.config.DriveSettings;
import io.cistern.config.MediaType;
import io.cistern.config.SettingsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        final Path file = Files.writeString(tmp.resolve("node.conf"), original);
        final NodeConfigFile config = new NodeConfigFile(file);

        final String before = config.appendDrive(new DriveSettings(d2, MediaType.HDD, 3L << 30), Instant.parse("2026-11-22T10:00:00Z"));
        assertEquals(original, before);
        final String after = Files.readString(file);
        assertTrue(after.startsWith(original + "\n# Added by `cistern drive add` at 2026-11-22T10:00:00Z\n"), after);
        final CisternSettings settings = SettingsReader.load(file);
        assertEquals("node-7", settings.node().name());
        assertEquals(List.of(new DriveSettings(d1, MediaType.SSD, 0), new DriveSettings(d2, MediaType.HDD, 3L << 30)),
            settings.node().drives());

        config.restore(before);
        assertEquals(original, Files.readString(file));
        assertEquals(List.of(new DriveSettings(d1, MediaType.SSD, 0)), SettingsReader.load(file).node().drives());
    }

    @Test
    void aChangeTheNodeCouldNotStartFromIsNotWritten() throws Exception
    {
        final Path d1 = Files.createDirectory(tmp.resolve("d1"));
        final String original = "cistern.node.drives = [ { path = \"" + d1 + "\" } ]\n";
        final Path file = Files.writeString(tmp.resolve("node.conf"), original);

        final IOException refused = assertThrows(IOException.class, () -> new NodeConfigFile(file)
            .appendDrive(new DriveSettings(d1, MediaType.SSD, 0), Instant.now()));
        assertTrue(refused.getMessage().contains("is listed more than once"), refused.getMessage());
        assertEquals(original, Files.readString(file));
        assertEquals(List.of(file), List.of(Files.list(tmp).filter(p -> p.toString().endsWith(".conf") ||
            p.toString().endsWith(".next")).toArray()));
    }
}
