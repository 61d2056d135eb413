package io.cistern.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that fails on cue and counts what passes through it: the deterministic way to show
 * fail-stop (a real disk error cannot be summoned in a test) and that a refused operation did no I/O.
 */
final class FaultyChannel extends FileChannel
{
    private final FileChannel delegate;
    boolean failWrites;
    boolean failForce;
    boolean failReads;
    int reads;
    int writes;
    int forces;

    FaultyChannel(final FileChannel delegate)
    {
        this.delegate = delegate;
    }

    int operations()
    {
        return reads + writes + forces;
    }

    @Override
    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        reads++;
        if (failReads)
        {
            throw new IOException("injected read error");
        }
        return delegate.read(dst, position);
    }

    @Override
    public int write(final ByteBuffer src, final long position) throws IOException
    {
        writes++;
        if (failWrites)
        {
            throw new IOException("injected write error");
        }
        return delegate.write(src, position);
    }

    @Override
    public void force(final boolean metaData) throws IOException
    {
        forces++;
        if (failForce)
        {
            throw new IOException("injected fsync error");
        }
        delegate.force(metaData);
    }

    @Override
    public long size() throws IOException
    {
        return delegate.size();
    }

    @Override
    public int read(final ByteBuffer dst)
    {
        throw new UnsupportedOperationException("extents use positional I/O only");
    }

    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length)
    {
        throw new UnsupportedOperationException("extents use positional I/O only");
    }

    @Override
    public int write(final ByteBuffer src)
    {
        throw new UnsupportedOperationException("extents use positional I/O only");
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length)
    {
        throw new UnsupportedOperationException("extents use positional I/O only");
    }

    @Override
    public long position()
    {
        throw new UnsupportedOperationException("extents use positional I/O only");
    }

    @Override
    public FileChannel position(final long newPosition)
    {
        throw new UnsupportedOperationException("extents use positional I/O only");
    }

    @Override
    public FileChannel truncate(final long size)
    {
        throw new UnsupportedOperationException("extents never change size");
    }

    @Override
    public long transferTo(final long position, final long count, final WritableByteChannel target)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(final ReadableByteChannel src, final long position, final long count)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(final MapMode mode, final long position, final long size)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(final long position, final long size, final boolean shared)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(final long position, final long size, final boolean shared)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() throws IOException
    {
        delegate.close();
    }
}
