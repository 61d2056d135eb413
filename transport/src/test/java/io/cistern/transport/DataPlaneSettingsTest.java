package io.cistern.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataPlaneSettingsTest
{
    @Test
    void theDefaultsCarryOneMebibyteFramesWithinAeronsLargestMessage()
    {
        final DataPlaneSettings defaults = DataPlaneSettings.defaults();
        assertEquals(1024 * 1024, defaults.maxPayloadLength());
        assertEquals(2 * 1024 * 1024 - DataFrame.HEADER_LENGTH, DataPlaneSettings.MAX_PAYLOAD_LIMIT);
    }

    @Test
    void invalidSettingsAreRefusedNamingTheKeyTheValueAndWhy()
    {
        final DataPlaneSettings defaults = DataPlaneSettings.defaults();
        assertMessage("replyStreamId=7: must differ", () -> defaults.withStreams(7, 7, 9));
        assertMessage("peerReplyStreamId=8: must differ", () -> defaults.withStreams(7, 8, 8));
        assertMessage("maxPayloadLength=2097152: must be 1..", () -> defaults.withMaxPayloadLength(2 * 1024 * 1024));
        assertMessage("maxInFlight=100: must be a power of two", () -> new DataPlaneSettings(1, 2, 3, 4096, 1, 100, 1));
        assertMessage("requestTimeoutNs=0: must be positive", () -> new DataPlaneSettings(1, 2, 3, 4096, 0, 2, 1));
        assertMessage("fragmentLimit=0: must be positive", () -> new DataPlaneSettings(1, 2, 3, 4096, 1, 2, 0));
    }

    private static void assertMessage(final String expectedStart, final Runnable construction)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(ex.getMessage().startsWith(expectedStart), ex.getMessage());
    }
}
