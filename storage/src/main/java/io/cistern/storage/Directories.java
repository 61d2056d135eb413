package io.cistern.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Making a directory's entries (a rename, a create, a delete) durable. */
final class Directories
{
    private Directories()
    {
    }

    static void force(final Path directory)
    {
        // Not every filesystem lets a directory be opened for this; the rename or delete is still
        // atomic there, just not yet durable.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignored)
        {
        }
    }
}
