package io.cistern.actors.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParityEncodingTest
{
    private static String dual(final int domains)
    {
        final ParityEncoding encoding = ParityEncoding.forDomains(2, domains);
        return encoding == null ? null : encoding.label();
    }

    @Test
    void dualParityFollowsTheFaultDomainsAsS2dsTableSays()
    {
        assertNull(dual(3), "dual parity needs 4 fault domains");
        assertEquals("RS(2+2)", dual(4));
        assertEquals("RS(2+2)", dual(6));
        assertEquals("RS(4+2)", dual(7));
        assertEquals("RS(4+2)", dual(8));
        assertEquals("RS(6+2)", dual(9));
        assertEquals("RS(6+2)", dual(15));
        assertEquals("LRC(12,2,1)", dual(16));
    }

    @Test
    void singleParityIsTwoPlusOneFromThreeDomains()
    {
        assertNull(ParityEncoding.forDomains(1, 2));
        assertEquals("RS(2+1)", ParityEncoding.forDomains(1, 3).label());
        assertEquals("RS(2+1)", ParityEncoding.forDomains(1, 16).label());
        assertThrows(IllegalArgumentException.class, () -> ParityEncoding.forDomains(3, 16));
    }

    @Test
    void efficiencyIsTheDataShareOfAStripe()
    {
        assertEquals(0.5, ParityEncoding.forDomains(2, 4).efficiency(), "parity-2 on 4 nodes: 50%, against mirror-3's 33%");
        assertEquals(2.0 / 3, ParityEncoding.forDomains(2, 8).efficiency(), 1e-12);
        assertEquals(0.75, ParityEncoding.forDomains(2, 12).efficiency());
        assertEquals(0.8, ParityEncoding.forDomains(2, 16).efficiency(), 1e-12);
        assertEquals(15, ParityEncoding.forDomains(2, 16).columns());
    }
}
