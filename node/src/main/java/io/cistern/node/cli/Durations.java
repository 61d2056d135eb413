package io.cistern.node.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;

/** Durations on the command line, written as in configuration: 90s, 2m, 500ms. */
final class Durations
{
    private Durations()
    {
    }

    static Duration parse(final String option, final String text)
    {
        try
        {
            return ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"").getDuration("d");
        }
        catch (final ConfigException ex)
        {
            throw new CliException.Usage(option + "=" + text + ": not a duration (use e.g. 90s, 2m)");
        }
    }
}
