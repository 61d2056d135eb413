package io.cistern.multijvm;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** When a multi-node test fails, prints the tail of every log of the cluster's data folder. */
final class NodeLogs implements TestWatcher
{
    private static final int LINES = 60;
    private Path data;

    void watch(final Path dataFolder)
    {
        this.data = dataFolder;
    }

    @Override
    public void testFailed(final ExtensionContext context, final Throwable cause)
    {
        if (data == null || !Files.isDirectory(data))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(data, 3))
        {
            files.filter(p -> p.toString().endsWith(".log")).sorted().forEach(NodeLogs::printTail);
        }
        catch (final IOException ex)
        {
            System.err.println("cannot list logs in " + data + ": " + ex);
        }
    }

    private static void printTail(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log);
            System.err.println("===== last " + LINES + " lines of " + log + " =====");
            lines.subList(Math.max(0, lines.size() - LINES), lines.size()).forEach(System.err::println);
        }
        catch (final IOException ex)
        {
            System.err.println("cannot read " + log + ": " + ex);
        }
    }
}
