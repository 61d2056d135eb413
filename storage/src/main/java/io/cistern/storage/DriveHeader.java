package io.cistern.storage;

import io.cistern.config.MediaType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The identity of a file-backed drive, stamped once into its directory and read at every start.
 *
 * <h2>On-disk format ({@value #FILE_NAME}, format version {@value #FORMAT_VERSION})</h2>
 * A small UTF-8 text file, so an administrator can read it with {@code cat}:
 * <pre>
 * CISTERN-DRIVE                      magic, first line
 * format-version=1
 * drive-id=0d8c...-...               UUID, the Drive entity's id
 * media-type=SSD
 * capacity-bytes=8589934592
 * fault-domain=node-1
 * created=2026-11-22T03:10:00Z
 * crc32c=1a2b3c4d                    CRC32C (hex) of every byte before this line
 * </pre>
 * It is written to a temporary file, forced, and renamed over the old one, so a crash leaves either
 * the old header or the new one, never a torn one. A header whose magic, version or checksum is
 * wrong is refused, never rewritten: the directory may hold a drive's data.
 */
public record DriveHeader(UUID id, MediaType mediaType, long capacityBytes, String faultDomain, Instant created)
{
    public static final String FILE_NAME = "cistern-drive.header";
    public static final String MAGIC = "CISTERN-DRIVE";
    public static final int FORMAT_VERSION = 1;
    private static final String CRC_KEY = "crc32c=";

    public void writeTo(final Path directory) throws IOException
    {
        final String body = MAGIC + "\n" +
            "format-version=" + FORMAT_VERSION + "\n" +
            "drive-id=" + id + "\n" +
            "media-type=" + mediaType.name() + "\n" +
            "capacity-bytes=" + capacityBytes + "\n" +
            "fault-domain=" + faultDomain + "\n" +
            "created=" + created + "\n";
        final byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        final byte[] crcLine = (CRC_KEY + String.format("%08x", crc32c(bodyBytes, bodyBytes.length)) + "\n")
            .getBytes(StandardCharsets.UTF_8);

        final Path tmp = directory.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            channel.write(ByteBuffer.wrap(bodyBytes));
            channel.write(ByteBuffer.wrap(crcLine));
            channel.force(true);
        }
        try
        {
            Files.move(tmp, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(tmp, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        }
        Directories.force(directory);
    }

    /**
     * Reads and verifies the header of {@code directory}.
     *
     * @throws DriveException if the header is missing, torn, of another format or fails its checksum.
     */
    public static DriveHeader readFrom(final Path directory) throws IOException
    {
        final Path file = directory.resolve(FILE_NAME);
        final byte[] bytes = Files.readAllBytes(file);
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final int crcAt = text.lastIndexOf("\n" + CRC_KEY);
        if (!text.startsWith(MAGIC + "\n") || crcAt < 0)
        {
            throw new DriveException(file + ": not a Cistern drive header (no " + MAGIC + " magic or no checksum line)");
        }
        final int bodyLength = text.substring(0, crcAt + 1).getBytes(StandardCharsets.UTF_8).length;
        final String storedCrc = text.substring(crcAt + 1 + CRC_KEY.length()).trim();
        final String actualCrc = String.format("%08x", crc32c(bytes, bodyLength));
        if (!actualCrc.equals(storedCrc))
        {
            throw new DriveException(file + ": header checksum mismatch (stored " + storedCrc + ", computed " +
                actualCrc + "); the header is damaged, refusing to use or overwrite this drive");
        }

        final Map<String, String> fields = new LinkedHashMap<>();
        for (final String line : text.substring(MAGIC.length() + 1, crcAt).split("\n"))
        {
            final int eq = line.indexOf('=');
            if (eq > 0)
            {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        final String version = fields.get("format-version");
        if (!Integer.toString(FORMAT_VERSION).equals(version))
        {
            throw new DriveException(file + ": format-version=" + version + " is not supported (this Cistern reads " +
                FORMAT_VERSION + ")");
        }
        try
        {
            return new DriveHeader(
                UUID.fromString(required(fields, "drive-id", file)),
                MediaType.valueOf(required(fields, "media-type", file).toUpperCase(Locale.ROOT)),
                Long.parseLong(required(fields, "capacity-bytes", file)),
                required(fields, "fault-domain", file),
                Instant.parse(required(fields, "created", file)));
        }
        catch (final IllegalArgumentException | java.time.format.DateTimeParseException ex)
        {
            throw new DriveException(file + ": malformed field: " + ex.getMessage());
        }
    }

    public static boolean existsIn(final Path directory)
    {
        return Files.exists(directory.resolve(FILE_NAME));
    }

    private static String required(final Map<String, String> fields, final String key, final Path file)
    {
        final String value = fields.get(key);
        if (value == null || value.isEmpty())
        {
            throw new DriveException(file + ": missing field " + key);
        }
        return value;
    }

    private static long crc32c(final byte[] bytes, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

}
