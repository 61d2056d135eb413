package io.cistern.node.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A request body is one object of known fields; anything else is a 400 that says what and where. */
class JsonBodyTest
{
    private static final List<String> FIELDS = List.of("name", "size", "resiliency", "provisioning");

    private static String refusal(final String body)
    {
        return assertThrows(IllegalArgumentException.class, () -> JsonBody.object(body, FIELDS)).getMessage();
    }

    @Test
    void knownFieldsAreRead()
    {
        assertEquals("mirror-3", JsonBody.object("{\"name\":\"v\",\"size\":\"1G\",\"resiliency\":\"mirror-3\"}", FIELDS)
            .path("resiliency").asText());
    }

    @Test
    void aMisspeltFieldIsRefusedAndTheLikelyOneNamed()
    {
        assertEquals("unknown field 'resilency' (did you mean 'resiliency'?); the fields are name, size, resiliency, provisioning",
            refusal("{\"name\":\"v\",\"size\":\"1G\",\"resilency\":\"mirror-3\"}"));
        assertEquals("unknown field 'colour'; the fields are name, size, resiliency, provisioning", refusal("{\"colour\":\"red\"}"));
    }

    @Test
    void malformedBodiesSayWhatAndWhere()
    {
        assertEquals("the request body is not JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name" +
            " (line 1, column 13)", refusal("{\"name\":\"v\",}"));
        assertEquals("the request body is not JSON: Duplicate field 'size' (line 1, column 20)", refusal("{\"size\":\"1G\",\"size\":\"2G\"}"));
        assertEquals("the request body must be a JSON object, not array", refusal("[1,2]"));
        assertEquals("the request body is empty; send a JSON object with name, size, resiliency, provisioning", refusal(" "));
        assertEquals(true, refusal("{\"name\":\"v\"} {\"name\":\"w\"}").startsWith("the request body is not JSON: Trailing token"));
    }

    @Test
    void onlyNearFieldsAreSuggested()
    {
        assertEquals("provisioning", JsonBody.nearest("provisionning", FIELDS));
        assertEquals("size", JsonBody.nearest("Size", FIELDS));
        assertNull(JsonBody.nearest("capacity", FIELDS));
    }
}
