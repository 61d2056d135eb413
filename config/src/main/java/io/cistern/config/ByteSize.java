package io.cistern.config;

import java.util.Locale;

/**
 * Sizes as administrators write them: a whole number with an optional binary suffix
 * (K, M, G, T, P = powers of 1024; "KiB"/"KB"/"k" are read the same), and back again for display.
 */
public final class ByteSize
{
    private static final String UNITS = "KMGTP";

    private ByteSize()
    {
    }

    /** @throws IllegalArgumentException naming the text and what is wrong with it. */
    public static long parse(final String text)
    {
        final String s = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        if (s.isEmpty())
        {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 512M, 8G, 1T)");
        }
        final char last = s.charAt(s.length() - 1);
        final int power = UNITS.indexOf(last) + 1;
        final String digits = power > 0 ? s.substring(0, s.length() - 1).trim() : s;
        final long number;
        try
        {
            number = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 512M, 8G, 1T)");
        }
        if (number <= 0)
        {
            throw new IllegalArgumentException("'" + text + "' must be positive");
        }
        if (number > (Long.MAX_VALUE >> (10 * power)))
        {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return number << (10 * power);
    }

    /** Formats with one decimal in the largest binary unit that keeps the number at least 1: 8.0 GiB. */
    public static String format(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length())
        {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %siB", value, UNITS.charAt(unit - 1));
    }
}
