package io.cistern.node.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.text.similarity.LevenshteinDistance;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

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

    private static final LevenshteinDistance WITHIN_TWO_EDITS = new LevenshteinDistance(2);

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
                (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
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
        int bestDistance = Integer.MAX_VALUE;
        for (final String field : fields)
        {
            // -1 when more than two edits apart
            final int d = WITHIN_TWO_EDITS.apply(name.toLowerCase(Locale.ROOT), field.toLowerCase(Locale.ROOT));
            if (d >= 0 && d < bestDistance)
            {
                best = field;
                bestDistance = d;
            }
        }
        return best;
    }
}
