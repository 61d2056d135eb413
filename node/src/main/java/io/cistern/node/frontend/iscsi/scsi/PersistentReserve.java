package io.cistern.node.frontend.iscsi.scsi;

import io.cistern.actors.reservation.Nexus;
import io.cistern.actors.reservation.PrOut;
import io.cistern.actors.reservation.Registration;
import io.cistern.actors.reservation.ReservationState;
import io.cistern.actors.reservation.Reservations;
import io.cistern.node.volume.VolumeReservations;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PERSISTENT RESERVE IN and OUT (SPC-4 6.15, 6.16): decoding the CDB and parameter list, encoding READ
 * KEYS, READ RESERVATION, REPORT CAPABILITIES and READ FULL STATUS. The rules themselves are
 * {@link ReservationState#out}'s; the state lives in the volume's reservations entity.
 */
final class PersistentReserve
{
    private static final int READ_KEYS = 0;
    private static final int READ_RESERVATION = 1;
    private static final int REPORT_CAPABILITIES = 2;
    private static final int READ_FULL_STATUS = 3;
    private static final int ASC_INVALID_RELEASE = 0x2604;

    private PersistentReserve()
    {
    }

    static void in(final ScsiCommand c, final ReservationState state)
    {
        final int action = c.cdb[1] & 0x1f;
        final int allocation = Cdb.u16(c.cdb, 7);
        final ByteBuffer out = c.data.clear();
        switch (action)
        {
            case READ_KEYS ->
            {
                out.putInt((int)state.generation()).putInt(8 * state.registrations().size());
                for (final Registration r : state.registrations())
                {
                    out.putLong(r.key());
                }
            }
            case READ_RESERVATION ->
            {
                out.putInt((int)state.generation());
                if (state.reserved())
                {
                    final Registration holder = state.registrationOf(state.holder());
                    out.putInt(16);
                    out.putLong(state.allRegistrants() || holder == null ? 0 : holder.key());
                    out.putInt(0).put((byte)0).put((byte)state.type()).putShort((short)0);
                }
                else
                {
                    out.putInt(0);
                }
            }
            case REPORT_CAPABILITIES ->
            {
                out.putShort((short)8);
                out.put((byte)(0x10 | 0x04 | 0x01)); // CRH, ATP_C (ALL_TG_PT), PTPL_C (every state persists)
                out.put((byte)(0x80 | (state.aptpl() ? 0x01 : 0))); // TMV (the type mask is valid), PTPL_A
                out.put((byte)(0x80 | 0x40 | 0x20 | 0x08 | 0x02)); // WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX
                out.put((byte)0x01); // EX_AC_AR
                out.putShort((short)0);
            }
            case READ_FULL_STATUS ->
            {
                out.putInt((int)state.generation()).putInt(0);
                for (final Registration r : state.registrations())
                {
                    final boolean holds = state.reserved() && (state.allRegistrants() || r.nexus().covers(state.holder()));
                    out.putLong(r.key()).putInt(0);
                    out.put((byte)((r.nexus().targetPort() == 0 ? 0x02 : 0) | (holds ? 0x01 : 0)));
                    out.put((byte)(holds ? state.type() : 0));
                    out.putInt(0);
                    out.putShort((short)r.nexus().targetPort());
                    final byte[] transportId = transportId(r.nexus());
                    out.putInt(transportId.length).put(transportId);
                }
                out.putInt(4, out.position() - 8);
            }
            default ->
            {
                c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
                return;
            }
        }
        LogicalUnit.sendIn(c, allocation);
    }

    /** An iSCSI TransportID of format 01 (SPC-4 7.6.4.6): the initiator port's name, NUL-terminated, padded. */
    private static byte[] transportId(final Nexus nexus)
    {
        final byte[] name = nexus.initiator().getBytes(StandardCharsets.UTF_8);
        final int length = Math.max(20, (name.length + 1 + 3) & ~3);
        final ByteBuffer id = ByteBuffer.allocate(4 + length);
        id.put((byte)0x45).put((byte)0).putShort((short)length).put(name);
        return id.array();
    }

    static void out(final ScsiCommand c, final Nexus nexus, final long volumeId, final VolumeReservations reservations)
    {
        final byte[] cdb = c.cdb;
        final int action = cdb[1] & 0x1f;
        final int scope = (cdb[2] & 0xf0) >>> 4;
        final int type = cdb[2] & 0x0f;
        final long listLength = Cdb.u32(cdb, 5);
        if (action > PrOut.REGISTER_AND_IGNORE_EXISTING_KEY)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB); // REGISTER AND MOVE: not supported
            return;
        }
        if (listLength != 24 || c.data.limit() < 24)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_PARAMETER_LIST_LENGTH_ERROR);
            c.length = (int)Math.min(listLength, Integer.MAX_VALUE);
            return;
        }
        final ByteBuffer list = c.data;
        final long key = list.getLong(0);
        final long serviceActionKey = list.getLong(8);
        final int flags = list.get(20);
        final boolean allTargetPorts = (flags & 0x04) != 0;
        c.length = 24;
        if ((flags & 0x08) != 0 || allTargetPorts && action != PrOut.REGISTER && action != PrOut.REGISTER_AND_IGNORE_EXISTING_KEY)
        {
            // SPEC_I_PT is not supported; ALL_TG_PT means something only to a registration.
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_PARAMETER_LIST);
            c.length = 24;
            return;
        }
        final Reservations.OutReply reply = reservations.apply(volumeId, new PrOut(nexus, action, scope, type, key,
            serviceActionKey, allTargetPorts, (flags & 0x01) != 0));
        if (reply == null)
        {
            c.check(Scsi.NOT_READY, Scsi.ASC_LUN_NOT_ACCESSIBLE_TRANSITIONING); // the cluster could not be asked: retry
        }
        else
        {
            switch (reply.outcome())
            {
                case GOOD ->
                {
                    c.data.clear().limit(0);
                    c.status = Scsi.GOOD;
                }
                case RESERVATION_CONFLICT -> c.conflict();
                case INVALID_FIELD_IN_CDB -> c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
                case INVALID_FIELD_IN_PARAMETER_LIST -> c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_PARAMETER_LIST);
                case INVALID_RELEASE_OF_PERSISTENT_RESERVATION -> c.check(Scsi.ILLEGAL_REQUEST, ASC_INVALID_RELEASE);
            }
        }
        c.length = 24;
    }

    /** How a command touches the medium, for RESERVATION CONFLICT (SPC-4 5.12.1's table of commands). */
    static ReservationState.Access access(final byte[] cdb)
    {
        final int opcode = cdb[0] & 0xff;
        if (opcode == Scsi.SERVICE_ACTION_IN_16 && (cdb[1] & 0x1f) == Scsi.SA_READ_CAPACITY_16)
        {
            return ReservationState.Access.NONE;
        }
        return switch (opcode)
        {
            case Scsi.INQUIRY, Scsi.REPORT_LUNS, Scsi.REQUEST_SENSE, Scsi.TEST_UNIT_READY, Scsi.READ_CAPACITY_10,
                 Scsi.MAINTENANCE_IN, Scsi.PERSISTENT_RESERVE_IN, Scsi.PERSISTENT_RESERVE_OUT -> ReservationState.Access.NONE;
            case Scsi.READ_6, Scsi.READ_10, Scsi.READ_12, Scsi.READ_16, Scsi.VERIFY_10, Scsi.VERIFY_12, Scsi.VERIFY_16,
                 Scsi.PRE_FETCH_10, Scsi.PRE_FETCH_16, Scsi.MODE_SENSE_6, Scsi.MODE_SENSE_10,
                 Scsi.SERVICE_ACTION_IN_16 -> ReservationState.Access.READ;
            default -> ReservationState.Access.WRITE;
        };
    }
}
