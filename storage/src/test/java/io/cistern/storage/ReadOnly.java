package io.cistern.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Makes a directory unwritable for the test's process. Permission bits do not stop root (CI runs as
 * root), so for root the directory is made immutable with {@code chattr +i}; closing undoes it.
 */
final class ReadOnly implements AutoCloseable
{
    private final Path dir;
    private final boolean root;

    private ReadOnly(final Path dir, final boolean root)
    {
        this.dir = dir;
        this.root = root;
    }

    static ReadOnly make(final Path dir) throws Exception
    {
        final boolean root = "root".equals(System.getProperty("user.name"));
        if (root)
        {
            run("chattr", "+i", dir.toString());
        }
        else
        {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        return new ReadOnly(dir, root);
    }

    @Override
    public void close() throws Exception
    {
        if (root)
        {
            run("chattr", "-i", dir.toString());
        }
        else
        {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " failed; the test needs e2fsprogs' chattr on an ext4/xfs temp dir");
        }
    }
}
