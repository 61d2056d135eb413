package io.cistern.node.qos;

import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;
import io.cistern.node.volume.VolumeStatus;
import io.cistern.node.volume.WrappingCatalog;

import java.nio.ByteBuffer;

/**
 * A volume under Storage QoS: each request waits at the volume's gate until its allowance lets it go
 * (reads, writes and compare-and-writes cost their size in normalised I/Os; trims and zeroing one, as they
 * move no data; flushes nothing), then goes on to the volume. The gate counts what it let through and how
 * long requests waited, for the cluster's coordinator and the volume's metrics.
 */
public final class QosVolume implements VolumeIo
{
    private final VolumeIo volume;
    private final VolumeGate gate;
    private final QosGates gates;

    private QosVolume(final VolumeIo volume, final VolumeGate gate, final QosGates gates)
    {
        this.volume = volume;
        this.gate = gate;
        this.gates = gates;
    }

    /** The catalog with every volume it opens behind this node's QoS gate for it. */
    public static VolumeCatalog governed(final VolumeCatalog catalog, final QosGates gates)
    {
        return new WrappingCatalog(catalog)
        {
            @Override
            protected VolumeIo wrap(final VolumeIo opened)
            {
                return new QosVolume(opened, gates.open(opened.id(), opened.name()), gates);
            }

            @Override
            protected VolumeIo unwrap(final VolumeIo wrapped)
            {
                if (wrapped instanceof QosVolume governed)
                {
                    gates.close(governed.gate);
                    return governed.volume;
                }
                return wrapped;
            }
        };
    }

    @Override
    public VolumeIo concurrentView()
    {
        final VolumeIo view = volume.concurrentView();
        return view == volume ? this : new QosVolume(view, gate, gates);
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
        final long arrived = System.nanoTime();
        final int length = dst.remaining();
        gate.admit(gates.cost(length), length);
        try
        {
            return volume.read(offset, dst);
        }
        finally
        {
            gate.done(arrived);
        }
    }

    @Override
    public VolumeStatus write(final long offset, final ByteBuffer src, final boolean fua)
    {
        final long arrived = System.nanoTime();
        final int length = src.remaining();
        gate.admit(gates.cost(length), length);
        try
        {
            return volume.write(offset, src, fua);
        }
        finally
        {
            gate.done(arrived);
        }
    }

    @Override
    public VolumeStatus compareAndWrite(final long offset, final ByteBuffer src, final boolean fua)
    {
        final long arrived = System.nanoTime();
        final int length = src.remaining() >> 1; // what it writes
        gate.admit(gates.cost(length), length);
        try
        {
            return volume.compareAndWrite(offset, src, fua);
        }
        finally
        {
            gate.done(arrived);
        }
    }

    @Override
    public VolumeStatus flush()
    {
        return volume.flush();
    }

    @Override
    public VolumeStatus trim(final long offset, final long length, final boolean fua)
    {
        final long arrived = System.nanoTime();
        gate.admit(1, 0);
        try
        {
            return volume.trim(offset, length, fua);
        }
        finally
        {
            gate.done(arrived);
        }
    }

    @Override
    public VolumeStatus writeZeroes(final long offset, final long length, final boolean fua)
    {
        final long arrived = System.nanoTime();
        gate.admit(1, 0);
        try
        {
            return volume.writeZeroes(offset, length, fua);
        }
        finally
        {
            gate.done(arrived);
        }
    }

    @Override
    public boolean flushCoversAllConnections()
    {
        return volume.flushCoversAllConnections();
    }
}
