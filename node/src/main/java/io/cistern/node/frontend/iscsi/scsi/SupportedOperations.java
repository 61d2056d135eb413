package io.cistern.node.frontend.iscsi.scsi;

import java.nio.ByteBuffer;

/**
 * REPORT SUPPORTED OPERATION CODES (SPC-4 6.35): every command {@link LogicalUnit} executes, with the
 * bits of its CDB it looks at (the CDB usage data).
 */
final class SupportedOperations
{
    /** One supported command: operation code, service action (-1: none), CDB usage data. */
    private record Operation(int opcode, int serviceAction, int[] usage)
    {
    }

    private static final int C = 0x00; // control byte: NACA and LINK are not supported
    private static final Operation[] OPERATIONS = {
        op(Scsi.TEST_UNIT_READY, -1, 0x00, 0x00, 0x00, 0x00, C),
        op(Scsi.REQUEST_SENSE, -1, 0x00, 0x00, 0x00, 0xff, C),
        op(Scsi.READ_6, -1, 0x1f, 0xff, 0xff, 0xff, C),
        op(Scsi.WRITE_6, -1, 0x1f, 0xff, 0xff, 0xff, C),
        op(Scsi.INQUIRY, -1, 0x01, 0xff, 0xff, 0xff, C),
        op(Scsi.MODE_SENSE_6, -1, 0x08, 0xff, 0xff, 0xff, C),
        op(Scsi.START_STOP_UNIT, -1, 0x01, 0x00, 0x0f, 0xf7, C),
        op(Scsi.PREVENT_ALLOW_MEDIUM_REMOVAL, -1, 0x00, 0x00, 0x00, 0x03, C),
        op(Scsi.READ_CAPACITY_10, -1, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, C),
        op(Scsi.READ_10, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.WRITE_10, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.WRITE_AND_VERIFY_10, -1, 0x12, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.VERIFY_10, -1, 0x16, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.PRE_FETCH_10, -1, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.SYNCHRONIZE_CACHE_10, -1, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.WRITE_SAME_10, -1, 0x08, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, C),
        op(Scsi.UNMAP, -1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, C),
        op(Scsi.MODE_SENSE_10, -1, 0x08, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, C),
        op(Scsi.READ_16, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.COMPARE_AND_WRITE, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0x00, C),
        op(Scsi.WRITE_16, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.WRITE_AND_VERIFY_16, -1, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.VERIFY_16, -1, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.PRE_FETCH_16, -1, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.SYNCHRONIZE_CACHE_16, -1, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.WRITE_SAME_16, -1, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.SERVICE_ACTION_IN_16, Scsi.SA_READ_CAPACITY_16, Scsi.SA_READ_CAPACITY_16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.SERVICE_ACTION_IN_16, Scsi.SA_GET_LBA_STATUS, Scsi.SA_GET_LBA_STATUS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.REPORT_LUNS, -1, 0x00, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.MAINTENANCE_IN, Scsi.SA_REPORT_SUPPORTED_OPERATION_CODES, Scsi.SA_REPORT_SUPPORTED_OPERATION_CODES, 0x87, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.PERSISTENT_RESERVE_IN, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_IN, 1, 1, 0, 0, 0, 0, 0, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_IN, 2, 2, 0, 0, 0, 0, 0, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_IN, 3, 3, 0, 0, 0, 0, 0, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 0, 0, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 1, 1, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 2, 2, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 3, 3, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 4, 4, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 5, 5, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.PERSISTENT_RESERVE_OUT, 6, 6, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, C),
        op(Scsi.READ_12, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.WRITE_12, -1, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.WRITE_AND_VERIFY_12, -1, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
        op(Scsi.VERIFY_12, -1, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, C),
    };

    private SupportedOperations()
    {
    }

    private static Operation op(final int opcode, final int serviceAction, final int... rest)
    {
        final int[] usage = new int[rest.length + 1];
        usage[0] = opcode;
        System.arraycopy(rest, 0, usage, 1, rest.length);
        return new Operation(opcode, serviceAction, usage);
    }

    static void report(final ScsiCommand c)
    {
        final byte[] cdb = c.cdb;
        final boolean timeouts = (cdb[2] & 0x80) != 0;
        final int options = cdb[2] & 0x07;
        final int opcode = Cdb.u8(cdb, 3);
        final int action = Cdb.u16(cdb, 4);
        final long allocation = Cdb.u32(cdb, 6);
        final ByteBuffer out = c.data.clear();
        switch (options)
        {
            case 0 ->
            {
                out.putInt(0);
                for (final Operation op : OPERATIONS)
                {
                    out.put((byte)op.opcode).put((byte)0).putShort((short)Math.max(op.serviceAction, 0)).put((byte)0);
                    out.put((byte)((timeouts ? 0x02 : 0) | (op.serviceAction >= 0 ? 0x01 : 0)));
                    out.putShort((short)op.usage.length);
                    if (timeouts)
                    {
                        timeoutsDescriptor(out);
                    }
                }
                out.putInt(0, out.position() - 4);
            }
            case 1, 2, 3 ->
            {
                Operation found = null;
                boolean hasActions = false;
                for (final Operation op : OPERATIONS)
                {
                    if (op.opcode == opcode)
                    {
                        hasActions = op.serviceAction >= 0;
                        if (!hasActions || op.serviceAction == action)
                        {
                            found = op;
                        }
                    }
                }
                // Asked by operation code alone for a command with service actions, or by service action for
                // one without: the CDB is wrong.
                if (options == 1 && hasActions || options == 2 && known(opcode) && !hasActions)
                {
                    c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
                    return;
                }
                out.put((byte)0);
                if (found == null)
                {
                    out.put((byte)0x01).putShort((short)0); // not supported
                }
                else
                {
                    out.put((byte)((timeouts ? 0x80 : 0) | 0x03)).putShort((short)found.usage.length);
                    for (final int b : found.usage)
                    {
                        out.put((byte)b);
                    }
                    if (timeouts)
                    {
                        timeoutsDescriptor(out);
                    }
                }
            }
            default ->
            {
                c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
                return;
            }
        }
        LogicalUnit.sendIn(c, (int)Math.min(allocation, Integer.MAX_VALUE));
    }

    private static boolean known(final int opcode)
    {
        for (final Operation op : OPERATIONS)
        {
            if (op.opcode == opcode)
            {
                return true;
            }
        }
        return false;
    }

    /** A command timeouts descriptor: no nominal or recommended timeout is claimed. */
    private static void timeoutsDescriptor(final ByteBuffer out)
    {
        out.putShort((short)0x0a).put((byte)0).put((byte)0).putInt(0).putInt(0);
    }
}
