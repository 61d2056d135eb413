package io.cistern.node.frontend.iscsi;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operational keys' answers, by each key's rule (RFC 7143 section 13), and the text they travel in. */
class NegotiationTest
{
    @Test
    void digestsAreNoneWhenOfferedAndRejectedWhenNot()
    {
        final Negotiation n = new Negotiation();
        assertEquals("None", n.answer("HeaderDigest", "CRC32C,None"));
        assertEquals("Reject", n.answer("DataDigest", "CRC32C"));
        assertTrue(n.rejected.contains("None"));
    }

    @Test
    void burstLengthsTakeTheLowerOfBothSidesAndFirstBurstNeverExceedsMaxBurst()
    {
        final Negotiation n = new Negotiation();
        assertEquals("262144", n.answer("FirstBurstLength", "16777215"));
        assertEquals("131072", n.answer("MaxBurstLength", "131072"));
        assertEquals(131072, n.maxBurstLength);
        assertEquals(131072, n.firstBurstLength, "first burst cut to the max burst");
        assertEquals(Integer.toString(Negotiation.MAX_BURST), new Negotiation().answer("MaxBurstLength", "0xffffff"));
    }

    @Test
    void booleansFollowTheirFunctions()
    {
        final Negotiation n = new Negotiation();
        assertEquals("No", n.answer("InitialR2T", "No"));
        assertFalse(n.initialR2T);
        assertEquals("No", n.answer("ImmediateData", "No"));
        assertFalse(n.immediateData);
        assertEquals("Yes", n.answer("DataPDUInOrder", "No"), "OR with the target's Yes");
        assertEquals("No", n.answer("IFMarker", "Yes"), "AND with the target's No");
        assertEquals("Reject", n.answer("InitialR2T", "maybe"));
    }

    @Test
    void declarationsAreTakenWithoutAnAnswerAndOutOfRangeValuesAreRejected()
    {
        final Negotiation n = new Negotiation();
        assertNull(n.answer("MaxRecvDataSegmentLength", "65536"));
        assertEquals(65536, n.initiatorMaxRecvDataSegment);
        assertEquals("Reject", n.answer("MaxRecvDataSegmentLength", "100"));
        assertEquals(65536, n.initiatorMaxRecvDataSegment, "a rejected value changes nothing");
        assertEquals("Reject", n.answer("MaxBurstLength", "lots"));
    }

    @Test
    void levelsAndCountsAreThisTargetsAndUnknownKeysAreNotUnderstood()
    {
        final Negotiation n = new Negotiation();
        assertEquals("0", n.answer("ErrorRecoveryLevel", "2"));
        assertEquals("1", n.answer("MaxConnections", "8"));
        assertEquals("1", n.answer("MaxOutstandingR2T", "16"));
        assertEquals("0", n.answer("DefaultTime2Retain", "20"));
        assertEquals("NotUnderstood", n.answer("X-com.example.Magic", "1"));
        assertNull(n.answer("HeaderDigest", "NotUnderstood"), "an answer-less value gets no answer");
        final Map<String, String> answers = new LinkedHashMap<>();
        assertFalse(n.answerAll(Map.of("DataDigest", "CRC32C"), answers));
        assertEquals(Map.of("DataDigest", "Reject"), answers);
    }

    @Test
    void textKeysRoundTripAndMalformedTextIsSaidWhatIsWrong()
    {
        final Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", "iqn.2026-12.test:a");
        keys.put("SessionType", "Discovery");
        final byte[] text = TextKeys.encode(keys);
        final TextKeys.Parsed parsed = TextKeys.parse(ByteBuffer.wrap(text), text.length);
        assertNull(parsed.problem());
        assertEquals(keys, parsed.keys());

        final byte[] bad = "InitiatorName\0".getBytes(StandardCharsets.UTF_8);
        assertTrue(TextKeys.parse(ByteBuffer.wrap(bad), bad.length).problem().contains("not key=value"));
        final byte[] twice = "A=1\0A=2\0".getBytes(StandardCharsets.UTF_8);
        assertTrue(TextKeys.parse(ByteBuffer.wrap(twice), twice.length).problem().contains("given twice"));
        final byte[] longKey = ("K".repeat(64) + "=1\0").getBytes(StandardCharsets.UTF_8);
        assertTrue(TextKeys.parse(ByteBuffer.wrap(longKey), longKey.length).problem().contains("longer than 63"));
    }
}
