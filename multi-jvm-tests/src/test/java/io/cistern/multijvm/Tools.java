package io.cistern.multijvm;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real clients a user would (nbdinfo, qemu-img, nbdcopy, fio); a missing one fails the test. */
final class Tools
{
    record Result(int exit, String output)
    {
    }

    private Tools()
    {
    }

    static Result run(final long timeoutSeconds, final String... command) throws Exception
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError(command[0] + " is not installed (.ci/run installs libnbd-bin, qemu-utils and fio): " + ex.getMessage());
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + "s");
        }
        System.out.println("$ " + String.join(" ", List.of(command)) + "\n" + output);
        return new Result(process.exitValue(), output);
    }
}
