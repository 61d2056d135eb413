package io.cistern.node.volume;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A volume whose bytes are in memory, so a front end's protocol can be tested alone. */
public final class MemoryVolume implements VolumeIo
{
    public final byte[] bytes;
    public int flushes;
    public int fuaWrites;

    public MemoryVolume(final int size)
    {
        this.bytes = new byte[size];
    }

    @Override
    public String name()
    {
        return "memory";
    }

    @Override
    public long id()
    {
        return 0x5eed;
    }

    @Override
    public long size()
    {
        return bytes.length;
    }

    @Override
    public synchronized VolumeStatus read(final long offset, final ByteBuffer dst)
    {
        dst.put(bytes, (int)offset, dst.remaining());
        return VolumeStatus.OK;
    }

    @Override
    public synchronized VolumeStatus write(final long offset, final ByteBuffer src, final boolean fua)
    {
        fuaWrites += fua ? 1 : 0;
        src.get(bytes, (int)offset, src.remaining());
        return VolumeStatus.OK;
    }

    @Override
    public synchronized VolumeStatus compareAndWrite(final long offset, final ByteBuffer src, final boolean fua)
    {
        final int half = src.remaining() / 2;
        final int mismatch = ByteBuffer.wrap(bytes, (int)offset, half).mismatch(src.slice(src.position(), half));
        if (mismatch >= 0)
        {
            src.position(src.position() + mismatch);
            return VolumeStatus.MISCOMPARE;
        }
        return write(offset, src.position(src.position() + half), fua);
    }

    @Override
    public synchronized VolumeStatus flush()
    {
        flushes++;
        return VolumeStatus.OK;
    }

    @Override
    public synchronized VolumeStatus trim(final long offset, final long length, final boolean fua)
    {
        return writeZeroes(offset, length, fua);
    }

    @Override
    public synchronized VolumeStatus writeZeroes(final long offset, final long length, final boolean fua)
    {
        Arrays.fill(bytes, (int)offset, (int)(offset + length), (byte)0);
        return VolumeStatus.OK;
    }

    @Override
    public boolean flushCoversAllConnections()
    {
        return true;
    }
}
