package io.cistern.node.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How commands that start node processes start them: {@code --timeout} for readiness and {@code --heap}. */
final class LaunchOptions
{
    @Option(names = "--timeout", defaultValue = "180s", description = "How long to wait for readiness (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--heap", defaultValue = "768m", description = "Maximum heap of each node JVM started (default: ${DEFAULT-VALUE}).")
    String heap;

    Duration readinessTimeout()
    {
        return Durations.parse("--timeout", timeout);
    }
}
