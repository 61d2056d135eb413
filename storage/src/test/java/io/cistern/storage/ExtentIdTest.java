package io.cistern.storage;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExtentIdTest
{
    @Test
    void namesItsFileInFixedWidthLowerCaseHex()
    {
        assertEquals("000000000000002a-00000003-01.extent", new ExtentId(42, 3, 1).fileName());
        assertEquals("ffffffffffffffff-7fffffff-ff.extent", new ExtentId(-1, Integer.MAX_VALUE, 255).fileName());
    }

    @Test
    void parsesBackEveryFileItNames()
    {
        for (final ExtentId id : new ExtentId[] {
            new ExtentId(0, 0, 0), new ExtentId(42, 3, 1), new ExtentId(Long.MIN_VALUE, 1 << 20, 2),
            new ExtentId(-1, Integer.MAX_VALUE, ExtentId.MAX_COPY)})
        {
            assertEquals(id, ExtentId.parse(id.fileName()));
        }
    }

    @Test
    void answersNullForFilesThatAreNotExtents()
    {
        for (final String name : new String[] {
            DriveHeader.FILE_NAME, "lost+found", "", ".extent",
            "000000000000002a-00000003-01.extent.tmp",
            "000000000000002A-00000003-01.extent",
            "00000000000002a-00000003-01.extent",
            "000000000000002a-00000003-001.extent",
            "000000000000002a_00000003-01.extent",
            "000000000000002a-80000000-01.extent",
            "000000000000002a-0000000g-01.extent",
            "+00000000000002a-00000003-01.extent"})
        {
            assertNull(ExtentId.parse(name), name);
        }
    }

    @Test
    void rejectsANegativeSlabOrACopyThatDoesNotFitItsName()
    {
        assertThrows(IllegalArgumentException.class, () -> new ExtentId(1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExtentId(1, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new ExtentId(1, 0, 256));
    }
}
