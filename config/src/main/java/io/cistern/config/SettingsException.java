package io.cistern.config;

import java.util.List;

/**
 * Configuration that cannot be started with. Carries every problem found, each as
 * {@code key=value: reason}, so an administrator fixes the file once rather than once per error.
 */
public final class SettingsException extends RuntimeException
{
    private final List<String> problems;

    public SettingsException(final List<String> problems)
    {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems()
    {
        return problems;
    }
}
