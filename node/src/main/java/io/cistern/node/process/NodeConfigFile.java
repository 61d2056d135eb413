package io.cistern.node.process;

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
 * only then renamed over it (the target of a symbolic link, keeping permissions and owner), so a crash
 * or a mistake never leaves a file the node cannot start from.
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

    /** A change {@link #appendDrive} made: the file before and after it. */
    record Change(String before, String after)
    {
        /** Nothing was changed (the file listed the drive already). */
        static final Change NONE = new Change(null, null);
    }

    /**
     * Appends a drive to {@code cistern.node.drives}, unless the file lists its path already.
     *
     * @return what changed, for {@link #undo} if the drive does not join after all.
     * @throws IOException if the file cannot be read or replaced, or would not be valid.
     */
    Change appendDrive(final DriveSettings drive, final Instant when) throws IOException
    {
        final Path real = file.toRealPath();
        try
        {
            if (SettingsReader.load(real).node().drives().stream().anyMatch(listed -> listed.path().equals(drive.path())))
            {
                return Change.NONE;
            }
        }
        catch (final SettingsException ex)
        {
            throw new IOException(file + " is not valid as it is: " + String.join("; ", ex.problems()));
        }
        final String before = Files.readString(real, StandardCharsets.UTF_8);
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
        final String after = before + entry;
        replace(real, after);
        return new Change(before, after);
    }

    /**
     * Takes a change back, if the file is still as the change left it.
     *
     * @return false if the file has changed since (an administrator's edit is not overwritten).
     */
    boolean undo(final Change change) throws IOException
    {
        if (change.after() == null)
        {
            return true;
        }
        final Path real = file.toRealPath();
        if (!Files.readString(real, StandardCharsets.UTF_8).equals(change.after()))
        {
            return false;
        }
        replace(real, change.before());
        return true;
    }

    /**
     * Writes the text beside the file (same extension, so it is parsed with the same syntax), checks it as
     * a start would, and renames it over the file with the file's permissions and owner.
     */
    private static void replace(final Path real, final String text) throws IOException
    {
        final String name = real.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        final Path next = real.resolveSibling(dot > 0 ? name.substring(0, dot) + ".next" + name.substring(dot) : name + ".next");
        // Made with the file's own permissions, not the umask's: the file may hold the API token.
        Files.deleteIfExists(next);
        try (FileChannel channel = FileChannel.open(next, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(real))))
        {
            channel.write(StandardCharsets.UTF_8.encode(text));
            channel.force(true);
        }
        try
        {
            SettingsReader.load(next);
            Files.setPosixFilePermissions(next, Files.getPosixFilePermissions(real));
            Files.setOwner(next, Files.getOwner(real));
        }
        catch (final SettingsException ex)
        {
            Files.deleteIfExists(next);
            throw new IOException(real + " would not be valid with the change: " + String.join("; ", ex.problems()));
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            Files.deleteIfExists(next);
            throw new IOException(real + " cannot be replaced keeping its permissions and owner: " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            Files.deleteIfExists(next); // a settings read that failed some other way leaves no copy behind
            throw ex;
        }
        Files.move(next, real, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
