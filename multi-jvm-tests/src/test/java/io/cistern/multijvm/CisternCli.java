package io.cistern.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/cistern} of this checkout, as an administrator would, and captures what it
 * printed. The build exists already (the reactor built the node module before this one).
 */
final class CisternCli
{
    record Result(int exit, String output)
    {
    }

    private final Path home;

    CisternCli()
    {
        this.home = Path.of(System.getProperty("cistern.home", "..")).toAbsolutePath().normalize();
        if (!Files.isExecutable(home.resolve("bin/cistern")))
        {
            throw new IllegalStateException("no executable bin/cistern under " + home);
        }
    }

    Result run(final long timeoutSeconds, final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/cistern").toString());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CISTERN_SKIP_BUILD", "1");
        // Test clusters live for minutes on two cores, where C2 compiling the whole node costs more than it
        // gives back: with C1 alone `cistern up` of three nodes took 21.8 s instead of 31.4 s, and a 64 MiB
        // fio fill 2.9 s instead of 8.0 s. No test measures speed; bench/ runs nodes with the JVM's defaults.
        builder.environment().putIfAbsent("CISTERN_NODE_OPTS", "-XX:TieredStopAtLevel=1");
        builder.environment().putIfAbsent("CISTERN_CLI_OPTS", "-XX:TieredStopAtLevel=1");
        final Path output = Files.createTempFile("cistern-cli-", ".out");
        builder.redirectOutput(output.toFile());
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("`cistern " + String.join(" ", args) + "` did not finish within " + timeoutSeconds +
                    "s; it printed:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            System.out.println("$ cistern " + String.join(" ", args) + "\n" + text);
            return new Result(process.exitValue(), text);
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }
}
