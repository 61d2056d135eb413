package io.cistern.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteSizeTest
{
    @Test
    void parsesBinarySuffixes()
    {
        assertEquals(512, ByteSize.parse("512"));
        assertEquals(4096, ByteSize.parse("4K"));
        assertEquals(8L << 30, ByteSize.parse("8G"));
        assertEquals(8L << 30, ByteSize.parse("8GiB"));
        assertEquals(8L << 30, ByteSize.parse("8gb"));
        assertEquals(1L << 40, ByteSize.parse("1T"));
    }

    @Test
    void rejectsNonsense()
    {
        assertEquals("'8X' is not a size (use e.g. 512M, 8G, 1T)",
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("8X")).getMessage());
        assertEquals("'0G' must be positive", assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("0G")).getMessage());
        assertEquals("'99999999P' is too large",
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999P")).getMessage());
    }

    @Test
    void formatsInTheLargestUnit()
    {
        assertEquals("512 B", ByteSize.format(512));
        assertEquals("8.0 GiB", ByteSize.format(8L << 30));
        assertEquals("1.5 MiB", ByteSize.format(3L << 19));
    }
}
