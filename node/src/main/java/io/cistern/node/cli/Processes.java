package io.cistern.node.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starting and stopping the JVMs of a local cluster, by pid, and never anything we did not start: a
 * pid counts as ours only while its command line still names the file we started it with (pids are
 * reused after a reboot).
 */
final class Processes
{
    private Processes()
    {
    }

    /** The JVM options every Cistern process needs (Agrona 2 reaches into jdk.internal.misc). */
    static List<String> java(final String heap, final String mainClass, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")))
        {
            // Own session: closing the terminal that ran `cistern up` must not take the cluster with it.
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx" + heap);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Dh2.bindAddress=127.0.0.1");
        // Extra JVM options for every process of a local cluster, e.g. a flight recording for a profile.
        final String extra = System.getenv("CISTERN_NODE_OPTS");
        if (extra != null && !extra.isBlank())
        {
            command.addAll(java.util.Arrays.asList(extra.trim().split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    static long start(final List<String> command, final Path log) throws IOException
    {
        Files.createDirectories(log.getParent());
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return builder.start().pid();
    }

    /** The live process with this pid, if it is still the one whose command line names {@code marker}. */
    static Optional<ProcessHandle> ours(final long pid, final String marker)
    {
        if (pid <= 0)
        {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> commandLine(p).contains(marker));
    }

    private static String commandLine(final ProcessHandle process)
    {
        // ProcessHandle.Info may truncate; /proc has the whole argument vector.
        try
        {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                StandardCharsets.UTF_8).replace('\0', ' ');
        }
        catch (final IOException ex)
        {
            return process.info().commandLine().orElse("");
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns true if it stopped within the grace period. */
    static boolean stop(final ProcessHandle process, final Duration grace)
    {
        process.destroy();
        try
        {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final Exception ex)
        {
            process.destroyForcibly();
            try
            {
                process.onExit().get(10, TimeUnit.SECONDS);
            }
            catch (final Exception ignored)
            {
            }
            return false;
        }
    }

    /** The last {@code lines} lines of a log, for an error message. */
    static String tail(final Path log, final int lines)
    {
        if (!Files.exists(log))
        {
            return "(no log at " + log + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r"))
        {
            final long length = file.length();
            final long from = Math.max(0, length - 64 * 1024);
            final byte[] bytes = new byte[(int)(length - from)];
            file.seek(from);
            file.readFully(bytes);
            final String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            final int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, start, all.length));
        }
        catch (final IOException ex)
        {
            return "(cannot read " + log + ": " + ex + ")";
        }
    }
}
