package io.cistern.node.frontend.iscsi.scsi;

import io.cistern.actors.reservation.Nexus;
import io.cistern.node.volume.LocalReservations;
import io.cistern.node.volume.MemoryVolume;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SCSI commands against a volume in memory: what each answers, and the sense data of what it refuses. */
class LogicalUnitTest
{
    private static final int SIZE = 4 << 20;
    private final MemoryVolume volume = new MemoryVolume(SIZE);
    private static final UnitIdentity IDENTITY = new UnitIdentity(0x0123_4567_89ab_cdefL, "iqn.2026-11.io.cistern:memory", 2);
    private final LocalReservations reservations = new LocalReservations();
    private final LogicalUnit unit = new LogicalUnit(IDENTITY, new Object(), new Nexus("iqn.2026-12.test:one,i,0x80", 2), reservations);
    private final LogicalUnit other = new LogicalUnit(IDENTITY, new Object(), new Nexus("iqn.2026-12.test:two,i,0x80", 2), reservations);
    private final ScsiCommand c = new ScsiCommand(ByteBuffer.allocateDirect(Scsi.MAX_TRANSFER_BYTES));

    private ScsiCommand run(final byte[] data, final int... cdb)
    {
        return runOn(unit, data, cdb);
    }

    private ScsiCommand runOn(final LogicalUnit on, final byte[] data, final int... cdb)
    {
        c.reset();
        Arrays.fill(c.cdb, (byte)0);
        for (int i = 0; i < cdb.length; i++)
        {
            c.cdb[i] = (byte)cdb[i];
        }
        c.data.clear();
        if (data != null)
        {
            c.data.put(data).flip();
        }
        on.execute(c, volume, 0);
        return c;
    }

    /** A PERSISTENT RESERVE OUT's 24-byte parameter list. */
    private static byte[] keys(final long key, final long serviceActionKey)
    {
        return ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).array();
    }

    @Test
    void aWriteExclusiveRegistrantsOnlyReservationShutsOutUnregisteredWritersButNotReaders()
    {
        runOn(unit, keys(0, 0xabc), Scsi.PERSISTENT_RESERVE_OUT, 0, 0, 0, 0, 0, 0, 0, 24, 0); // REGISTER
        assertEquals(Scsi.GOOD, c.status);
        runOn(unit, keys(0xabc, 0), Scsi.PERSISTENT_RESERVE_OUT, 1, 5, 0, 0, 0, 0, 0, 24, 0); // RESERVE, WE-RO
        assertEquals(Scsi.GOOD, c.status);
        runOn(other, new byte[512], Scsi.WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        assertEquals(Scsi.RESERVATION_CONFLICT, c.status);
        runOn(other, null, Scsi.READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        assertEquals(Scsi.GOOD, c.status);
        runOn(unit, new byte[512], Scsi.WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        assertEquals(Scsi.GOOD, c.status, "the holder writes");

        runOn(other, null, Scsi.PERSISTENT_RESERVE_IN, 1, 0, 0, 0, 0, 0, 0, 64, 0); // READ RESERVATION
        final ByteBuffer reservation = c.data.duplicate();
        assertEquals(16, reservation.getInt(4));
        assertEquals(0xabc, reservation.getLong(8));
        assertEquals(5, reservation.get(21) & 0x0f);

        runOn(other, keys(0, 0xdef), Scsi.PERSISTENT_RESERVE_OUT, 0, 0, 0, 0, 0, 0, 0, 24, 0); // REGISTER
        runOn(other, keys(0xdef, 0xabc), Scsi.PERSISTENT_RESERVE_OUT, 5, 5, 0, 0, 0, 0, 0, 24, 0); // PREEMPT AND ABORT
        assertEquals(Scsi.GOOD, c.status);
        runOn(unit, new byte[512], Scsi.WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        assertEquals(Scsi.RESERVATION_CONFLICT, c.status, "the preempted holder is fenced");
        runOn(unit, null, Scsi.PERSISTENT_RESERVE_IN, 0, 0, 0, 0, 0, 0, 0, 64, 0); // READ KEYS
        assertEquals(8, c.data.getInt(4), "one key left");
        assertEquals(0xdef, c.data.getLong(8));
        runOn(unit, keys(0, 0), Scsi.PERSISTENT_RESERVE_OUT, 0, 0, 0, 0, 0, 0, 0, 20, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_PARAMETER_LIST_LENGTH_ERROR);
    }

    private static byte[] bytes(final ByteBuffer data)
    {
        final byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }

    private void assertSense(final int key, final int ascq)
    {
        assertEquals(Scsi.CHECK_CONDITION, c.status);
        assertEquals(key, Sense.key(c.sense), "sense key");
        assertEquals(ascq, Sense.ascq(c.sense), "ASC/ASCQ");
    }

    @Test
    void standardInquiryNamesADiskAndItsIdentifiersAreTheVolumes()
    {
        run(null, Scsi.INQUIRY, 0, 0, 0, 255, 0);
        assertEquals(Scsi.GOOD, c.status);
        final byte[] inquiry = bytes(c.data);
        assertEquals(96, inquiry.length);
        assertEquals(0, inquiry[0], "direct-access block device, connected");
        assertEquals("CISTERN ", new String(inquiry, 8, 8, StandardCharsets.US_ASCII));

        run(null, Scsi.INQUIRY, 1, 0x83, 0, 255, 0);
        final ByteBuffer page = c.data.duplicate();
        assertEquals(0x83, page.get(1) & 0xff);
        assertEquals(0x03, page.get(5), "the first designator is an NAA one, of the logical unit");
        assertEquals(3L << 60 | 0x0123_4567_89ab_cdefL & 0x0fff_ffff_ffff_ffffL, page.getLong(8));

        run(null, Scsi.INQUIRY, 1, 0x80, 0, 255, 0);
        assertEquals("0123456789abcdef", new String(bytes(c.data), 4, 16, StandardCharsets.US_ASCII));

        run(null, Scsi.INQUIRY, 0, 0x83, 0, 255, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
    }

    @Test
    void readCapacityCountsFiveHundredTwelveByteBlocksEightToAPhysicalBlock()
    {
        run(null, Scsi.SERVICE_ACTION_IN_16, Scsi.SA_READ_CAPACITY_16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
        final ByteBuffer data = c.data.duplicate();
        assertEquals(SIZE / 512 - 1, data.getLong(0));
        assertEquals(512, data.getInt(8));
        assertEquals(3, data.get(13) & 0x0f);
        assertEquals(0xc0, data.get(14) & 0xc0, "thin provisioned, unmapped blocks read zero");
        run(null, Scsi.READ_CAPACITY_10, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(SIZE / 512 - 1, c.data.getInt(0));
    }

    @Test
    void writtenBlocksReadBackAndRangesPastTheEndAreRefused()
    {
        final byte[] block = new byte[1024];
        Arrays.fill(block, (byte)0x5a);
        run(block, Scsi.WRITE_10, 0x08, 0, 0, 0, 10, 0, 0, 2, 0);
        assertEquals(Scsi.GOOD, c.status);
        assertEquals(1024, c.length);
        assertEquals(1, volume.fuaWrites, "FUA is passed on");
        run(null, Scsi.READ_16, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 2, 0, 0);
        assertArrayEquals(block, bytes(c.data));

        final int last = SIZE / 512 - 1;
        run(null, Scsi.READ_10, 0, last >>> 24, last >>> 16 & 0xff, last >>> 8 & 0xff, last & 0xff, 0, 0, 2, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LBA_OUT_OF_RANGE);
        run(null, Scsi.READ_16, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LBA_OUT_OF_RANGE);
        run(null, Scsi.READ_10, 0x20, 0, 0, 0, 0, 0, 0, 1, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB); // protection information asked for
    }

    @Test
    void aWriteSentLessThanItsLengthWritesWhatCameAndSaysHowMuchWasMissing()
    {
        final byte[] part = new byte[200];
        Arrays.fill(part, (byte)7);
        run(part, Scsi.WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        assertEquals(Scsi.GOOD, c.status);
        assertEquals(512, c.length, "the CDB's length, for an overflow residual");
        assertEquals(7, volume.bytes[199]);
        assertEquals(0, volume.bytes[200]);
    }

    @Test
    void compareAndWriteWritesOnlyWhenTheBlocksMatchAndSaysWhereTheyDiffer()
    {
        final byte[] both = new byte[1024];
        Arrays.fill(both, 512, 1024, (byte)0x11);
        run(both, Scsi.COMPARE_AND_WRITE, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0);
        assertEquals(Scsi.GOOD, c.status, "zeroes compared with zeroes");
        assertEquals(0x11, volume.bytes[5 * 512 + 100]);

        both[300] = 1; // the compare half no longer matches what is there
        run(both, Scsi.COMPARE_AND_WRITE, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0);
        assertSense(Scsi.MISCOMPARE, Scsi.ASC_MISCOMPARE_DURING_VERIFY);
        assertEquals(0, c.sense[3] << 24 | c.sense[4] << 16 | (c.sense[5] & 0xff) << 8 | c.sense[6] & 0xff,
            "the first difference is at offset 0 of the compare half");
        run(Arrays.copyOf(both, 1536), Scsi.COMPARE_AND_WRITE, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB); // more data than two halves
    }

    @Test
    void unmapAndWriteSameWithUnmapLeaveZeroes()
    {
        Arrays.fill(volume.bytes, 0, 8192, (byte)0xff);
        final ByteBuffer list = ByteBuffer.allocate(24);
        list.putShort((short)22).putShort((short)16).putInt(0).putLong(0).putInt(4).putInt(0);
        run(list.array(), Scsi.UNMAP, 0, 0, 0, 0, 0, 0, 0, 24, 0);
        assertEquals(Scsi.GOOD, c.status);
        assertEquals(0, volume.bytes[2047]);
        assertEquals((byte)0xff, volume.bytes[2048]);

        final byte[] pattern = new byte[512];
        Arrays.fill(pattern, (byte)0xff);
        run(pattern, Scsi.WRITE_SAME_10, 0x08, 0, 0, 0, 4, 0, 0, 4, 0);
        assertEquals(Scsi.GOOD, c.status);
        assertEquals(0, volume.bytes[4095], "UNMAP releases the blocks whatever the pattern");
        run(pattern, Scsi.WRITE_SAME_10, 0, 0, 0, 0, 4, 0, 0, 2, 0);
        assertEquals((byte)0xff, volume.bytes[2048 + 1023], "without UNMAP the pattern is written");
    }

    @Test
    void aUnitAttentionIsReportedOnceAndNotToInquiry()
    {
        unit.unitAttention(Scsi.ASC_CAPACITY_DATA_HAS_CHANGED);
        run(null, Scsi.INQUIRY, 0, 0, 0, 96, 0);
        assertEquals(Scsi.GOOD, c.status);
        run(null, Scsi.TEST_UNIT_READY, 0, 0, 0, 0, 0);
        assertSense(Scsi.UNIT_ATTENTION, Scsi.ASC_CAPACITY_DATA_HAS_CHANGED);
        run(null, Scsi.TEST_UNIT_READY, 0, 0, 0, 0, 0);
        assertEquals(Scsi.GOOD, c.status);
    }

    @Test
    void unknownCommandsAndOtherLunsAreRefusedWithTheirOwnSense()
    {
        run(null, 0xc0, 0, 0, 0, 0, 0);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_COMMAND_OPERATION_CODE);
        c.reset();
        c.cdb[0] = Scsi.TEST_UNIT_READY;
        unit.execute(c, volume, 1);
        assertSense(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LOGICAL_UNIT_NOT_SUPPORTED);
        run(null, Scsi.MAINTENANCE_IN, Scsi.SA_REPORT_SUPPORTED_OPERATION_CODES, 1, Scsi.READ_10, 0, 0, 0, 0, 1, 0, 0, 0);
        assertEquals(Scsi.GOOD, c.status);
        assertEquals(3, c.data.get(1) & 0x07, "READ 10 is supported as the standard has it");
        assertEquals(10, c.data.getShort(2));
        assertTrue(c.data.get(4) == Scsi.READ_10);
    }
}
