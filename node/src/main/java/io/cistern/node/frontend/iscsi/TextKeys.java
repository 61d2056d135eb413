package io.cistern.node.frontend.iscsi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text key-value pairs (RFC 7143 section 6.1): {@code key=value}, each ended by a NUL, as login and text
 * PDUs carry them.
 */
final class TextKeys
{
    /** Longest key (section 6.1) and value (section 6.1: 255 bytes, 8192 for a few keys) this target takes. */
    static final int MAX_KEY = 63;
    static final int MAX_VALUE = 8192;

    /** Keys and values, or why they were malformed. */
    record Parsed(Map<String, String> keys, String problem)
    {
    }

    private TextKeys()
    {
    }

    /** Parses {@code length} bytes at {@code data}'s position. A key given twice is malformed (section 6.2). */
    static Parsed parse(final ByteBuffer data, final int length)
    {
        final byte[] bytes = new byte[length];
        data.get(data.position(), bytes, 0, length);
        final Map<String, String> keys = new LinkedHashMap<>();
        int start = 0;
        while (start < length)
        {
            int end = start;
            while (end < length && bytes[end] != 0)
            {
                end++;
            }
            if (end == start)
            {
                start++; // padding NULs
                continue;
            }
            final String pair = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            final int equals = pair.indexOf('=');
            if (equals <= 0)
            {
                return new Parsed(keys, "'" + abbreviate(pair) + "' is not key=value");
            }
            final String key = pair.substring(0, equals);
            final String value = pair.substring(equals + 1);
            if (key.length() > MAX_KEY)
            {
                return new Parsed(keys, "key '" + abbreviate(key) + "' is longer than " + MAX_KEY + " bytes");
            }
            if (value.length() > MAX_VALUE)
            {
                return new Parsed(keys, "the value of " + key + " is longer than " + MAX_VALUE + " bytes");
            }
            if (keys.put(key, value) != null)
            {
                return new Parsed(keys, "key " + key + " is given twice");
            }
            start = end + 1;
        }
        return new Parsed(keys, null);
    }

    /** Encodes pairs as a data segment. */
    static byte[] encode(final Map<String, String> keys)
    {
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, String> e : keys.entrySet())
        {
            text.append(e.getKey()).append('=').append(e.getValue()).append('\0');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
