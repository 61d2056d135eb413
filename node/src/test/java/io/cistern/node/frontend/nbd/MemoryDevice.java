package io.cistern.node.frontend.nbd;

import java.nio.ByteBuffer;

/** A test double of a volume: bytes in memory, so the NBD server's protocol can be tested alone. */
final class MemoryDevice implements BlockDevice
{
    final byte[] bytes;
    int flushes;
    int fuaWrites;

    MemoryDevice(final int size)
    {
        this.bytes = new byte[size];
    }

    @Override
    public long size()
    {
        return bytes.length;
    }

    @Override
    public synchronized int read(final long offset, final ByteBuffer dst)
    {
        dst.put(bytes, (int)offset, dst.remaining());
        return 0;
    }

    @Override
    public synchronized int write(final long offset, final ByteBuffer src, final boolean fua)
    {
        fuaWrites += fua ? 1 : 0;
        src.get(bytes, (int)offset, src.remaining());
        return 0;
    }

    @Override
    public synchronized int flush()
    {
        flushes++;
        return 0;
    }

    @Override
    public synchronized int trim(final long offset, final long length, final boolean fua)
    {
        return writeZeroes(offset, length, fua);
    }

    @Override
    public synchronized int writeZeroes(final long offset, final long length, final boolean fua)
    {
        java.util.Arrays.fill(bytes, (int)offset, (int)(offset + length), (byte)0);
        return 0;
    }

    @Override
    public boolean flushCoversAllConnections()
    {
        return true;
    }
}
