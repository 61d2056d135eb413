package io.cistern.node.volume.redundancy.parity;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParityGeometryTest
{
    @Test
    void everyByteOfASlabHasOnePlaceAndTheColumnsHoldTheSlab()
    {
        final ParityGeometry rs42 = new ParityGeometry(4, 2, 4096, 4 * 4096 * 8);
        assertEquals(8 * 4096, rs42.columnSize());
        assertEquals(8, rs42.stripes());
        final Set<Long> places = new HashSet<>();
        for (long at = 0; at < 4 * 4096 * 8; at += 512)
        {
            final int column = rs42.columnOf(at);
            final long inColumn = rs42.inColumn(at);
            assertTrue(column >= 0 && column < 4 && inColumn >= 0 && inColumn < rs42.columnSize());
            assertTrue(places.add(column * rs42.columnSize() + inColumn), "two bytes in one place at " + at);
        }
        // Unit 1 of stripe 2 is on data column 1, at stripe 2's offset in it.
        assertEquals(1, rs42.columnOf(2 * 4 * 4096 + 4096 + 7));
        assertEquals(2 * 4096 + 7, rs42.inColumn(2 * 4 * 4096 + 4096 + 7));
        assertEquals(2 * 4096, rs42.stripeInColumn(2));
    }

    @Test
    void aRequestIsCutAtUnitsAndWholeStripesAreKnown()
    {
        final ParityGeometry rs22 = new ParityGeometry(2, 2, 65536, 1 << 20);
        assertEquals(65536 - 100, rs22.pieceLength(100, 1 << 20));
        assertEquals(10, rs22.pieceLength(100, 10));
        int pieces = 0;
        long at = 100;
        int left = 300_000;
        while (left > 0)
        {
            final int piece = rs22.pieceLength(at, left);
            at += piece;
            left -= piece;
            pieces++;
        }
        assertEquals(300_100, at);
        assertEquals(5, pieces, "100..300100 meets 4 unit boundaries");
        assertTrue(rs22.wholeStripes(131072, 262144));
        assertFalse(rs22.wholeStripes(65536, 131072), "starts mid-stripe");
        assertFalse(rs22.wholeStripes(0, 65536), "half a stripe");
    }

    @Test
    void aGeometryThatCannotHoldTheSlabIsRefused()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ParityGeometry(6, 2, 65536, 1 << 20))
            .getMessage().contains("not a whole number of 6 x 65536-byte stripes"));
        assertThrows(IllegalArgumentException.class, () -> new ParityGeometry(2, 2, 1000, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new ParityGeometry(2, 0, 4096, 1 << 20));
    }
}
