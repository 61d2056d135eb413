package io.cistern.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.cistern.transport.DataFrame.CLIENT_ID_OFFSET;
import static io.cistern.transport.DataFrame.COPY_OFFSET;
import static io.cistern.transport.DataFrame.CORRELATION_ID_OFFSET;
import static io.cistern.transport.DataFrame.EPOCH_OFFSET;
import static io.cistern.transport.DataFrame.FLAGS_OFFSET;
import static io.cistern.transport.DataFrame.HEADER_LENGTH;
import static io.cistern.transport.DataFrame.LENGTH_OFFSET;
import static io.cistern.transport.DataFrame.OFFSET_OFFSET;
import static io.cistern.transport.DataFrame.SLAB_OFFSET;
import static io.cistern.transport.DataFrame.STATUS_OFFSET;
import static io.cistern.transport.DataFrame.TYPE_OFFSET;
import static io.cistern.transport.DataFrame.VOLUME_ID_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataFrameTest
{
    @Test
    void everyHeaderFieldSurvivesAnEncodeAndDecodeRoundTrip()
    {
        final int at = 24;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + HEADER_LENGTH + 8]);
        new DataFrameEncoder().wrap(buffer, at)
            .type(0xFFFE)
            .flags(0x8001)
            .status(DataStatus.CHECKSUM_MISMATCH)
            .correlationId(0x0102_0304_0506_0708L)
            .clientId(-42)
            .volumeId(Long.MAX_VALUE - 1)
            .slab(Integer.MAX_VALUE)
            .copy(3)
            .epoch(Long.MIN_VALUE + 7)
            .extentOffset(1L << 40)
            .length(1024 * 1024);

        final DataFrameDecoder frame = new DataFrameDecoder().wrap(buffer, at);
        assertEquals(0xFFFE, frame.type(), "type is unsigned 16-bit");
        assertEquals(0x8001, frame.flags(), "flags are unsigned 16-bit");
        assertTrue(frame.fua());
        assertEquals(DataStatus.CHECKSUM_MISMATCH, frame.status());
        assertEquals(0x0102_0304_0506_0708L, frame.correlationId());
        assertEquals(-42, frame.clientId());
        assertEquals(Long.MAX_VALUE - 1, frame.volumeId());
        assertEquals(Integer.MAX_VALUE, frame.slab());
        assertEquals(3, frame.copy());
        assertEquals(Long.MIN_VALUE + 7, frame.epoch());
        assertEquals(1L << 40, frame.extentOffset());
        assertEquals(1024 * 1024, frame.length());
    }

    @Test
    void theHeaderIsFiftySixBytesOfNaturallyAlignedFieldsWithNoGaps()
    {
        assertEquals(56, HEADER_LENGTH);
        assertEquals(HEADER_LENGTH, DataFrame.PAYLOAD_OFFSET);
        final int[][] fields = {
            {TYPE_OFFSET, 2}, {FLAGS_OFFSET, 2}, {STATUS_OFFSET, 4}, {CORRELATION_ID_OFFSET, 8},
            {CLIENT_ID_OFFSET, 4}, {SLAB_OFFSET, 4}, {VOLUME_ID_OFFSET, 8}, {EPOCH_OFFSET, 8},
            {OFFSET_OFFSET, 8}, {COPY_OFFSET, 4}, {LENGTH_OFFSET, 4},
        };
        int next = 0;
        for (final int[] field : fields)
        {
            assertEquals(next, field[0], "fields follow each other without gaps");
            assertEquals(0, field[0] % field[1], "field at " + field[0] + " is naturally aligned");
            next += field[1];
        }
        assertEquals(HEADER_LENGTH, next);
    }

    @Test
    void fieldsAreWrittenLittleEndian()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        new DataFrameEncoder().wrap(buffer, 0).type(FrameType.WRITE).correlationId(0x0102_0304_0506_0708L);

        assertEquals(FrameType.WRITE, buffer.getByte(TYPE_OFFSET));
        assertEquals(0, buffer.getByte(TYPE_OFFSET + 1));
        assertEquals(0x08, buffer.getByte(CORRELATION_ID_OFFSET));
        assertEquals(0x01, buffer.getByte(CORRELATION_ID_OFFSET + 7));
    }

    @Test
    void frameTypeNumbersArePinnedAndEachRequestIsAnsweredByTheNextNumber()
    {
        assertEquals(0, FrameType.UNUSED);
        assertEquals(1, FrameType.READ);
        assertEquals(2, FrameType.READ_REPLY);
        assertEquals(3, FrameType.WRITE);
        assertEquals(4, FrameType.WRITE_REPLY);
        assertEquals(5, FrameType.FLUSH);
        assertEquals(6, FrameType.FLUSH_REPLY);
        assertEquals(FrameType.READ_REPLY, FrameType.replyTo(FrameType.READ));
        assertEquals(FrameType.WRITE_REPLY, FrameType.replyTo(FrameType.WRITE));
        assertEquals(FrameType.FLUSH_REPLY, FrameType.replyTo(FrameType.FLUSH));
        assertFalse(FrameType.isRequest(FrameType.UNUSED));
        assertFalse(FrameType.isReply(FrameType.UNUSED));
    }

    @Test
    void statusNumbersArePinnedDistinctAndDescribed()
    {
        final int[] statuses = {
            DataStatus.OK, DataStatus.STALE_EPOCH, DataStatus.CHECKSUM_MISMATCH, DataStatus.OUT_OF_RANGE,
            DataStatus.IO_ERROR, DataStatus.NO_SUCH_EXTENT, DataStatus.TIMEOUT, DataStatus.BACK_PRESSURED,
            DataStatus.TOO_LARGE, DataStatus.NOT_CONNECTED, DataStatus.FAILED_STOP, DataStatus.MALFORMED,
        };
        final Set<String> descriptions = new HashSet<>();
        for (int i = 0; i < statuses.length; i++)
        {
            assertEquals(-i, statuses[i], "wire numbers are append-only: 0, -1, -2, ... in declaration order");
            final String description = DataStatus.describe(statuses[i]);
            assertFalse(description.startsWith("UNKNOWN"), description);
            assertTrue(descriptions.add(description));
        }
        assertEquals("UNKNOWN(-99)", DataStatus.describe(-99));
    }
}
