package io.cistern.node.frontend.iscsi.scsi;

import io.cistern.actors.reservation.Nexus;
import io.cistern.actors.reservation.ReservationState;
import io.cistern.node.volume.VolumeIo;
import io.cistern.node.volume.VolumeReservations;
import io.cistern.node.volume.VolumeStatus;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A volume as a SCSI direct-access block device (SBC-3), as one I_T nexus (an initiator's session) sees
 * it: executes each command's CDB against the volume and leaves status, sense data and data-in in the
 * {@link ScsiCommand}. Transport-neutral: it knows nothing of iSCSI's PDUs.
 * <p>
 * One instance per session; its commands may run on several threads at once (each with its own
 * {@link ScsiCommand} and {@link VolumeIo} view). Unit attentions are queued per session, as SAM-5 has
 * them per I_T nexus. Persistent reservations are the volume's, cluster-wide: every command is checked
 * against the state this node enforces (RESERVATION CONFLICT) before it runs.
 */
public final class LogicalUnit
{
    private final UnitIdentity identity;
    /** Serialises COMPARE AND WRITE against itself through this node (the compare and the write are one step). */
    private final Object atomic;
    private final ArrayDeque<Integer> unitAttentions = new ArrayDeque<>();
    private final Nexus nexus;
    private final VolumeReservations reservations;
    /** The capacity this nexus was last told of; a change is its unit attention (SBC-3 4.8: CAPACITY DATA HAS CHANGED). */
    private long capacity = -1;

    /**
     * @param atomic the lock every session of this volume on this node shares for COMPARE AND WRITE.
     * @param nexus  this session's I_T nexus, as persistent reservations name it.
     */
    public LogicalUnit(final UnitIdentity identity, final Object atomic, final Nexus nexus, final VolumeReservations reservations)
    {
        this.identity = identity;
        this.atomic = atomic;
        this.nexus = nexus;
        this.reservations = reservations;
    }

    public Nexus nexus()
    {
        return nexus;
    }

    public UnitIdentity identity()
    {
        return identity;
    }

    /** Queues a unit attention (ASC/ASCQ) for this nexus's next command. */
    public void unitAttention(final int ascq)
    {
        synchronized (unitAttentions)
        {
            if (!unitAttentions.contains(ascq))
            {
                unitAttentions.add(ascq);
            }
        }
    }

    /**
     * Executes {@code c} against {@code volume}.
     *
     * @param lun the logical unit number addressed; only LUN 0 exists.
     */
    public void execute(final ScsiCommand c, final VolumeIo volume, final long lun)
    {
        final int opcode = c.opcode();
        noticeCapacity(volume.size());
        if (lun != 0 && opcode != Scsi.INQUIRY && opcode != Scsi.REPORT_LUNS)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LOGICAL_UNIT_NOT_SUPPORTED);
            return;
        }
        if (opcode != Scsi.INQUIRY && opcode != Scsi.REPORT_LUNS && opcode != Scsi.REQUEST_SENSE && reportedAttention(c))
        {
            return;
        }
        final byte[] cdb = c.cdb;
        if (reservations.current(identity.volumeId()).conflicts(nexus, PersistentReserve.access(cdb)))
        {
            c.conflict();
            return;
        }
        switch (opcode)
        {
            case Scsi.PERSISTENT_RESERVE_IN -> PersistentReserve.in(c, reservations.current(identity.volumeId()));
            case Scsi.PERSISTENT_RESERVE_OUT -> PersistentReserve.out(c, nexus, identity.volumeId(), reservations);
            case Scsi.TEST_UNIT_READY, Scsi.START_STOP_UNIT, Scsi.PREVENT_ALLOW_MEDIUM_REMOVAL -> out(c).good(0);
            case Scsi.INQUIRY -> inquiry(c, lun == 0);
            case Scsi.REQUEST_SENSE -> requestSense(c);
            case Scsi.REPORT_LUNS -> reportLuns(c);
            case Scsi.MODE_SENSE_6 -> modeSense(c, volume, false, Cdb.u8(cdb, 4));
            case Scsi.MODE_SENSE_10 -> modeSense(c, volume, true, Cdb.u16(cdb, 7));
            case Scsi.READ_CAPACITY_10 -> readCapacity10(c, volume);
            case Scsi.SERVICE_ACTION_IN_16 -> serviceActionIn(c, volume);
            case Scsi.READ_6 -> BlockIo.read(c, volume, Cdb.u16(cdb, 2) | (cdb[1] & 0x1f) << 16, Cdb.u8(cdb, 4) == 0 ? 256 : Cdb.u8(cdb, 4), 0);
            case Scsi.READ_10 -> BlockIo.read(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7), cdb[1]);
            case Scsi.READ_12 -> BlockIo.read(c, volume, Cdb.u32(cdb, 2), Cdb.u32(cdb, 6), cdb[1]);
            case Scsi.READ_16 -> BlockIo.read(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10), cdb[1]);
            case Scsi.WRITE_6 -> BlockIo.write(c, volume, Cdb.u16(cdb, 2) | (cdb[1] & 0x1f) << 16, Cdb.u8(cdb, 4) == 0 ? 256 : Cdb.u8(cdb, 4), 0, false);
            case Scsi.WRITE_10 -> BlockIo.write(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7), cdb[1], false);
            case Scsi.WRITE_12 -> BlockIo.write(c, volume, Cdb.u32(cdb, 2), Cdb.u32(cdb, 6), cdb[1], false);
            case Scsi.WRITE_16 -> BlockIo.write(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10), cdb[1], false);
            case Scsi.WRITE_AND_VERIFY_10 -> BlockIo.write(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7), cdb[1], true);
            case Scsi.WRITE_AND_VERIFY_12 -> BlockIo.write(c, volume, Cdb.u32(cdb, 2), Cdb.u32(cdb, 6), cdb[1], true);
            case Scsi.WRITE_AND_VERIFY_16 -> BlockIo.write(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10), cdb[1], true);
            case Scsi.VERIFY_10 -> BlockIo.verify(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7), cdb[1]);
            case Scsi.VERIFY_12 -> BlockIo.verify(c, volume, Cdb.u32(cdb, 2), Cdb.u32(cdb, 6), cdb[1]);
            case Scsi.VERIFY_16 -> BlockIo.verify(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10), cdb[1]);
            case Scsi.SYNCHRONIZE_CACHE_10 -> BlockIo.synchronize(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7));
            case Scsi.SYNCHRONIZE_CACHE_16 -> BlockIo.synchronize(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10));
            case Scsi.PRE_FETCH_10 -> BlockIo.preFetch(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7));
            case Scsi.PRE_FETCH_16 -> BlockIo.preFetch(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10));
            case Scsi.WRITE_SAME_10 -> BlockIo.writeSame(c, volume, Cdb.u32(cdb, 2), Cdb.u16(cdb, 7), cdb[1], false);
            case Scsi.WRITE_SAME_16 -> BlockIo.writeSame(c, volume, Cdb.u64(cdb, 2), Cdb.u32(cdb, 10), cdb[1], true);
            case Scsi.UNMAP -> BlockIo.unmap(c, volume);
            case Scsi.COMPARE_AND_WRITE ->
            {
                synchronized (atomic)
                {
                    BlockIo.compareAndWrite(c, volume, Cdb.u64(cdb, 2), Cdb.u8(cdb, 13), cdb[1]);
                }
            }
            case Scsi.MAINTENANCE_IN ->
            {
                if ((cdb[1] & 0x1f) == Scsi.SA_REPORT_SUPPORTED_OPERATION_CODES)
                {
                    SupportedOperations.report(c);
                }
                else
                {
                    c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
                }
            }
            default -> c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_COMMAND_OPERATION_CODE);
        }
    }

    private void noticeCapacity(final long size)
    {
        synchronized (unitAttentions)
        {
            if (capacity >= 0 && size != capacity)
            {
                unitAttention(Scsi.ASC_CAPACITY_DATA_HAS_CHANGED);
            }
            capacity = size;
        }
    }

    /** Reports (and clears) the oldest pending unit attention as this command's CHECK CONDITION. */
    private boolean reportedAttention(final ScsiCommand c)
    {
        final Integer ascq;
        synchronized (unitAttentions)
        {
            ascq = unitAttentions.poll();
        }
        if (ascq == null)
        {
            return false;
        }
        c.check(Scsi.UNIT_ATTENTION, ascq);
        return true;
    }

    /** The data buffer, cleared for data-in. */
    private static ScsiCommand out(final ScsiCommand c)
    {
        c.data.clear();
        return c;
    }

    /** Ends a data-in command: what was written is sent, cut at the CDB's allocation length. */
    static void sendIn(final ScsiCommand c, final int allocation)
    {
        c.data.flip();
        if (c.data.limit() > allocation)
        {
            c.data.limit(allocation);
        }
        c.good(c.data.limit());
    }

    private void inquiry(final ScsiCommand c, final boolean lunExists)
    {
        final byte[] cdb = c.cdb;
        final boolean evpd = (cdb[1] & 0x01) != 0;
        final int page = Cdb.u8(cdb, 2);
        final int allocation = Cdb.u16(cdb, 3);
        final ByteBuffer data = out(c).data;
        if ((cdb[1] & 0x02) != 0 || !evpd && page != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        if (!evpd)
        {
            Inquiry.standard(data, lunExists);
        }
        else if (!lunExists || !Inquiry.has(page))
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        else
        {
            Inquiry.page(data, page, identity);
        }
        sendIn(c, allocation);
    }

    private void requestSense(final ScsiCommand c)
    {
        final int allocation = Cdb.u8(c.cdb, 4);
        final Integer ascq;
        synchronized (unitAttentions)
        {
            ascq = unitAttentions.poll();
        }
        final byte[] sense = new byte[ScsiCommand.SENSE_LENGTH];
        Sense.fixed(sense, ascq == null ? Scsi.NO_SENSE : Scsi.UNIT_ATTENTION, ascq == null ? Scsi.ASC_NONE : ascq, false, 0);
        out(c).data.put(sense);
        sendIn(c, allocation);
    }

    private static void reportLuns(final ScsiCommand c)
    {
        final int select = Cdb.u8(c.cdb, 2);
        final long allocation = Cdb.u32(c.cdb, 6);
        if (select > 2 || allocation < 16)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        out(c).data.putInt(8).putInt(0).putLong(0); // one LUN: 0
        sendIn(c, (int)Math.min(allocation, Integer.MAX_VALUE));
    }

    private static void modeSense(final ScsiCommand c, final VolumeIo volume, final boolean ten, final int allocation)
    {
        final byte[] cdb = c.cdb;
        final boolean dbd = (cdb[1] & 0x08) != 0;
        final int pc = (cdb[2] & 0xc0) >>> 6;
        final int page = cdb[2] & 0x3f;
        final int subpage = Cdb.u8(cdb, 3);
        if (pc == 3)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_SAVING_PARAMETERS_NOT_SUPPORTED);
            return;
        }
        if (!ModePages.has(page) || subpage != 0 && !(subpage == 0xff && page == ModePages.ALL))
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        ModePages.write(out(c).data, ten, dbd, pc, page, volume.size() >>> Scsi.BLOCK_SHIFT);
        sendIn(c, allocation);
    }

    private static void readCapacity10(final ScsiCommand c, final VolumeIo volume)
    {
        final boolean pmi = (c.cdb[8] & 0x01) != 0;
        if (!pmi && Cdb.u32(c.cdb, 2) != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        final long last = (volume.size() >>> Scsi.BLOCK_SHIFT) - 1;
        out(c).data.putInt((int)Math.min(last, 0xffff_ffffL)).putInt(Scsi.BLOCK);
        sendIn(c, 8);
    }

    private static void serviceActionIn(final ScsiCommand c, final VolumeIo volume)
    {
        final byte[] cdb = c.cdb;
        final int action = cdb[1] & 0x1f;
        final long allocation = Cdb.u32(cdb, 10);
        final long blocks = volume.size() >>> Scsi.BLOCK_SHIFT;
        final ByteBuffer data = out(c).data;
        if (action == Scsi.SA_READ_CAPACITY_16)
        {
            data.putLong(blocks - 1).putInt(Scsi.BLOCK);
            data.put((byte)0); // no protection information
            data.put((byte)Scsi.BLOCKS_PER_PHYSICAL_EXPONENT);
            data.put((byte)0xc0).put((byte)0); // LBPME (thin provisioned, UNMAP), LBPRZ; lowest aligned LBA 0
            for (int i = 0; i < 16; i++)
            {
                data.put((byte)0);
            }
            sendIn(c, (int)Math.min(allocation, Integer.MAX_VALUE));
        }
        else if (action == Scsi.SA_GET_LBA_STATUS)
        {
            final long lba = Cdb.u64(cdb, 2);
            if (Long.compareUnsigned(lba, blocks) >= 0)
            {
                c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LBA_OUT_OF_RANGE);
                return;
            }
            // One descriptor to the end: status 0, "mapped or unknown" (the volume does not tell which
            // blocks of a thin slab were ever written).
            data.putInt(20).putInt(0);
            data.putLong(lba).putInt((int)Math.min(blocks - lba, 0xffff_ffffL)).put((byte)0).put((byte)0).putShort((short)0);
            sendIn(c, (int)Math.min(allocation, Integer.MAX_VALUE));
        }
        else
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
        }
    }

    /** A volume status as SCSI status and sense data. */
    static void status(final ScsiCommand c, final VolumeStatus status, final boolean write)
    {
        switch (status)
        {
            case OK -> c.status = Scsi.GOOD;
            case OUT_OF_RANGE -> c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LBA_OUT_OF_RANGE);
            case INVALID -> c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            case IO_ERROR -> c.check(Scsi.MEDIUM_ERROR, write ? Scsi.ASC_WRITE_ERROR : Scsi.ASC_UNRECOVERED_READ_ERROR);
            // Too few copies reachable for now: a multipath initiator retries, or tries another path.
            case UNAVAILABLE -> c.check(Scsi.NOT_READY, Scsi.ASC_LUN_NOT_ACCESSIBLE_TRANSITIONING);
            case NO_SPACE -> c.check(Scsi.DATA_PROTECT, Scsi.ASC_SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
            case FENCED -> c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LOGICAL_UNIT_NOT_SUPPORTED);
            case READ_ONLY -> c.check(Scsi.DATA_PROTECT, Scsi.ASC_WRITE_PROTECTED);
            case MISCOMPARE -> c.check(Scsi.MISCOMPARE, Scsi.ASC_MISCOMPARE_DURING_VERIFY);
            case RESERVED -> c.conflict();
        }
    }
}
