package io.cistern.node.volume;

import io.cistern.actors.reservation.Nexus;
import io.cistern.actors.reservation.ReservationState;

import java.nio.ByteBuffer;

/**
 * A volume as a client outside SCSI sees it (NBD): a client that cannot register for a persistent
 * reservation, so it meets the reservation as any unregistered initiator does. While an iSCSI initiator
 * holds the volume Write Exclusive its writes are refused, under Exclusive Access its reads too
 * ({@link VolumeStatus#RESERVED}); a guest cluster sharing the disk is never written behind its back.
 * The check reads this node's table of reservations, which every node updates before a change is
 * acknowledged, and costs a map lookup per request.
 */
public final class ReservedVolume implements VolumeIo
{
    /** No registration ever names it: an initiator name iSCSI cannot have. */
    static final Nexus OUTSIDER = new Nexus("(not an iSCSI initiator)", 0);

    private final VolumeIo volume;
    private final VolumeReservations reservations;

    private ReservedVolume(final VolumeIo volume, final VolumeReservations reservations)
    {
        this.volume = volume;
        this.reservations = reservations;
    }

    /**
     * The catalog with every volume it opens checked against the reservations. A node that has just started
     * may not have applied the latest reservations yet: each open asks the volume's entity first, and if it
     * cannot be asked the node's own table serves (an NBD client is never refused for it).
     */
    public static VolumeCatalog guarded(final VolumeCatalog catalog, final VolumeReservations reservations)
    {
        return new WrappingCatalog(catalog)
        {
            @Override
            protected VolumeIo wrap(final VolumeIo opened)
            {
                reservations.refresh(opened.id());
                return new ReservedVolume(opened, reservations);
            }

            @Override
            protected VolumeIo unwrap(final VolumeIo wrapped)
            {
                return wrapped instanceof ReservedVolume reserved ? reserved.volume : wrapped;
            }
        };
    }

    private boolean refused(final ReservationState.Access access)
    {
        return reservations.current(volume.id()).conflicts(OUTSIDER, access);
    }

    @Override
    public String name()
    {
        return volume.name();
    }

    @Override
    public long id()
    {
        return volume.id();
    }

    @Override
    public long size()
    {
        return volume.size();
    }

    @Override
    public VolumeStatus read(final long offset, final ByteBuffer dst)
    {
        return refused(ReservationState.Access.READ) ? VolumeStatus.RESERVED : volume.read(offset, dst);
    }

    @Override
    public VolumeStatus write(final long offset, final ByteBuffer src, final boolean fua)
    {
        return refused(ReservationState.Access.WRITE) ? VolumeStatus.RESERVED : volume.write(offset, src, fua);
    }

    @Override
    public VolumeStatus compareAndWrite(final long offset, final ByteBuffer src, final boolean fua)
    {
        return refused(ReservationState.Access.WRITE) ? VolumeStatus.RESERVED : volume.compareAndWrite(offset, src, fua);
    }

    /** SYNCHRONIZE CACHE conflicts as a write does (SPC-4 table 5.12.1): a flush is refused where writes are. */
    @Override
    public VolumeStatus flush()
    {
        return refused(ReservationState.Access.WRITE) ? VolumeStatus.RESERVED : volume.flush();
    }

    @Override
    public VolumeStatus trim(final long offset, final long length, final boolean fua)
    {
        return refused(ReservationState.Access.WRITE) ? VolumeStatus.RESERVED : volume.trim(offset, length, fua);
    }

    @Override
    public VolumeStatus writeZeroes(final long offset, final long length, final boolean fua)
    {
        return refused(ReservationState.Access.WRITE) ? VolumeStatus.RESERVED : volume.writeZeroes(offset, length, fua);
    }

    @Override
    public boolean flushCoversAllConnections()
    {
        return volume.flushCoversAllConnections();
    }

    @Override
    public VolumeIo concurrentView()
    {
        final VolumeIo view = volume.concurrentView();
        return view == volume ? this : new ReservedVolume(view, reservations);
    }
}
