package io.cistern.node.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.List;

/**
 * A request body: one JSON object with only the fields its route knows. An unknown field is refused, not
 * ignored: {@code "resilency": "mirror-3"}, misspelt, once created a mirror-2 volume without a word. So are
 * a field given twice (which one would win?) and anything after the object.
 */
final class JsonBody
{
    private static final ObjectMapper STRICT = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody()
    {
    }

    /**
     * The body as a JSON object whose fields are all among {@code fields}.
     *
     * @throws IllegalArgumentException saying what is wrong and where, for a 400 answer
     */
    static JsonNode object(final String body, final List<String> fields)
    {
        if (body == null || body.isBlank())
        {
            throw new IllegalArgumentException("the request body is empty; send a JSON object with " + String.join(", ", fields));
        }
        final JsonNode node;
        try
        {
            node = STRICT.readTree(body);
        }
        catch (final JsonProcessingException ex)
        {
            final JsonLocation at = ex.getLocation();
            throw new IllegalArgumentException("the request body is not JSON: " + ex.getOriginalMessage() +
                (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (node == null || !node.isObject())
        {
            throw new IllegalArgumentException("the request body must be a JSON object, not " +
                (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); )
        {
            final String name = names.next();
            if (!fields.contains(name))
            {
                final String near = nearest(name, fields);
                throw new IllegalArgumentException("unknown field '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)") +
                    "; the fields are " + String.join(", ", fields));
            }
        }
        return node;
    }

    /** The known field within two edits of {@code name}, if there is one: the likely misspelling. */
    static String nearest(final String name, final List<String> fields)
    {
        String best = null;
        int bestDistance = 3;
        for (final String field : fields)
        {
            final int d = distance(name.toLowerCase(java.util.Locale.ROOT), field.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance)
            {
                best = field;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
