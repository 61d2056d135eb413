package io.cistern.node;

import com.typesafe.config.ConfigValueFactory;
import io.cistern.config.DriveSettings;
import io.cistern.config.SettingsException;
import io.cistern.config.SettingsReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * The node's own configuration file, as far as the running node writes it: a drive that joins the
 * node is appended ({@code cistern.node.drives += {...}}, HOCON's append to a list), so the node finds
 * it again at its next start. The rest of the file, and its comments, stay as the administrator wrote
 * them. A change is written beside the file, read back through the same checks a start makes, and
 * only then renamed over it, so a crash or a mistake never leaves a file the node cannot start from.
 */
final class NodeConfigFile
{
    private final Path file;

    NodeConfigFile(final Path file)
    {
        this.file = file;
    }

    Path path()
    {
        return file;
    }

    /** When the file last changed, to notice an administrator's edit; -1 if it cannot be read. */
    long lastModified()
    {
        try
        {
            return Files.getLastModifiedTime(file).toMillis();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * Appends a drive to {@code cistern.node.drives}.
     *
     * @return the file as it was, for {@link #restore} if the drive does not join after all.
     * @throws IOException if the file cannot be read or replaced, or would no longer be valid.
     */
    String appendDrive(final DriveSettings drive, final Instant when) throws IOException
    {
        final String before = Files.readString(file, StandardCharsets.UTF_8);
        final StringBuilder entry = new StringBuilder()
            .append(before.isEmpty() || before.endsWith("\n") ? "" : "\n")
            .append("# Added by `cistern drive add` at ").append(when).append('\n')
            .append("cistern.node.drives += { path = ").append(ConfigValueFactory.fromAnyRef(drive.path().toString()).render())
            .append(", media-type = ").append(drive.mediaType().name().toLowerCase(Locale.ROOT));
        if (drive.capacityBytes() > 0)
        {
            entry.append(", capacity = ").append(drive.capacityBytes());
        }
        entry.append(" }\n");
        replace(before + entry);
        return before;
    }

    /** Puts back the file as {@link #appendDrive} found it. */
    void restore(final String before) throws IOException
    {
        replace(before);
    }

    private void replace(final String text) throws IOException
    {
        final Path next = file.resolveSibling(file.getFileName() + ".next");
        try (FileChannel channel = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE))
        {
            channel.write(StandardCharsets.UTF_8.encode(text));
            channel.force(true);
        }
        try
        {
            SettingsReader.load(next);
        }
        catch (final SettingsException ex)
        {
            Files.deleteIfExists(next);
            throw new IOException(file + " would not be valid with the change: " + String.join("; ", ex.problems()));
        }
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
