package io.cistern.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Typed values of a configuration for {@link SettingsReader}: each accessor records a problem as
 * {@code key=value: reason} and returns a neutral value rather than throwing, so that every problem of a
 * file is reported at once.
 */
final class ConfigValues
{
    private final Config config;
    private final List<String> problems = new ArrayList<>();

    ConfigValues(final Config config)
    {
        this.config = config;
    }

    List<String> problems()
    {
        return problems;
    }

    /** A list of strings of the given shape, or null (and a problem said) if the value is not one. */
    List<String> stringList(final String key, final String shape)
    {
        try
        {
            return config.getStringList(key);
        }
        catch (final ConfigException ex)
        {
            problem(key, render(key), "must be a list of \"" + shape + "\" strings");
            return null;
        }
    }

    String string(final String key)
    {
        return get(key, config::getString);
    }

    String nonEmptyString(final String key)
    {
        final String value = string(key);
        if (value != null && value.isBlank())
        {
            problem(key, "\"" + value + "\"", "must not be empty");
            return null;
        }
        return value;
    }

    Path path(final String key)
    {
        final String raw = nonEmptyString(key);
        if (raw == null)
        {
            return null;
        }
        try
        {
            return Path.of(raw).toAbsolutePath().normalize();
        }
        catch (final InvalidPathException ex)
        {
            problem(key, raw, "is not a valid path (" + ex.getReason() + ")");
            return null;
        }
    }

    int port(final String key)
    {
        return intInRange(key, 1, 65535);
    }

    int intInRange(final String key, final int min, final int max)
    {
        final Integer value = get(key, config::getInt);
        if (value == null)
        {
            return 0;
        }
        if (value < min || value > max)
        {
            problem(key, value.toString(), "must be between " + min + " and " + max);
            return 0;
        }
        return value;
    }

    Duration positiveDuration(final String key)
    {
        final Duration value = get(key, config::getDuration);
        if (value != null && (value.isNegative() || value.isZero()))
        {
            problem(key, render(key), "must be a positive duration such as 5s or 500ms");
            return null;
        }
        return value;
    }

    long bytes(final String key, final Config scope, final String relative)
    {
        try
        {
            final long value = scope.getBytes(relative);
            if (value <= 0)
            {
                problem(key, show(scope.getValue(relative)), "must be a positive size such as 8G or 512M");
                return 0;
            }
            return value;
        }
        catch (final ConfigException ex)
        {
            problem(key, show(scope.getValue(relative)), "must be a size in bytes with an optional K, M, G or T suffix (binary units), e.g. 8G");
            return 0;
        }
    }

    <E extends Enum<E>> E enumValue(final String key, final Class<E> type)
    {
        if (!config.hasPath(key))
        {
            problem(key, "(missing)", "must be one of " + names(type));
            return null;
        }
        return parseEnum(key, config.getValue(key), type);
    }

    <E extends Enum<E>> E parseEnum(final String key, final ConfigValue value, final Class<E> type)
    {
        final String raw = String.valueOf(value.unwrapped());
        final String normalised = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equals(normalised))
            {
                return constant;
            }
        }
        problem(key, raw, "must be one of " + names(type));
        return null;
    }

    static <E extends Enum<E>> String names(final Class<E> type)
    {
        final List<String> names = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(", ", names);
    }

    <T> T get(final String key, final Function<String, T> getter)
    {
        if (!config.hasPath(key))
        {
            problem(key, "(missing)", "is required");
            return null;
        }
        try
        {
            return getter.apply(key);
        }
        catch (final ConfigException.WrongType | ConfigException.BadValue ex)
        {
            problem(key, render(key), describe(ex));
            return null;
        }
    }

    static String describe(final ConfigException ex)
    {
        final String message = ex.getMessage();
        final int colon = message.lastIndexOf(": ");
        return colon >= 0 ? message.substring(colon + 2) : message;
    }

    static Integer parsePort(final String raw)
    {
        try
        {
            final int port = Integer.parseInt(raw);
            return port >= 1 && port <= 65535 ? port : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    String render(final String key)
    {
        return config.hasPath(key) ? show(config.getValue(key)) : "(missing)";
    }

    /** A value as the administrator wrote it: strings without HOCON's quotes. */
    static String show(final ConfigValue value)
    {
        return value.valueType() == ConfigValueType.STRING ? String.valueOf(value.unwrapped()) : value.render();
    }

    void problem(final String key, final String value, final String reason)
    {
        problems.add(key + "=" + value + ": " + reason);
    }
}
