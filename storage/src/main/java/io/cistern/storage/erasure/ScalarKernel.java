package io.cistern.storage.erasure;

import java.nio.ByteBuffer;

/**
 * Multiply-accumulate by table lookup: one 256-byte row of {@link Gf256#PRODUCTS} per coefficient.
 * The reference the vector kernel is checked against, and what runs when the Vector API is absent.
 * <p>
 * Works through the stripe in blocks small enough that an output block stays in L1 while every source
 * is added into it; a whole 1 MiB column per source would stream the output through memory k times.
 */
final class ScalarKernel extends CodingKernel
{
    private static final int BLOCK = 4096;

    @Override
    void run(final CodingPass pass, final ByteBuffer[] columns, final int length)
    {
        runRange(pass, columns, 0, length);
    }

    @Override
    void mulAdd(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int length)
    {
        mulAddRange(coefficient, source, target, 0, length);
    }

    @Override
    String name()
    {
        return "scalar";
    }

    /** The pass over bytes {@code [from, to)} of each column; the vector kernel's tail uses it too. */
    static void runRange(final CodingPass pass, final ByteBuffer[] columns, final int from, final int to)
    {
        final int sources = pass.sources.length;
        for (int start = from; start < to; start += BLOCK)
        {
            final int end = Math.min(to, start + BLOCK);
            for (int o = 0; o < pass.outputs.length; o++)
            {
                final ByteBuffer out = columns[pass.outputs[o]];
                if (sources == 0)
                {
                    fill(out, start, end);
                    continue;
                }
                copyProducts(pass.coefficient(o, 0), columns[pass.sources[0]], out, start, end);
                for (int s = 1; s < sources; s++)
                {
                    mulAddRange(pass.coefficient(o, s), columns[pass.sources[s]], out, start, end);
                }
            }
        }
    }

    static void mulAddRange(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int from, final int to)
    {
        products(coefficient, source, target, from, to, true);
    }

    private static void copyProducts(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int from, final int to)
    {
        products(coefficient, source, target, from, to, false);
    }

    /** {@code target = coefficient * source}, or with {@code add} {@code target ^= coefficient * source}. */
    private static void products(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int from, final int to, final boolean add)
    {
        final int row = coefficient << 8;
        final int in = source.position();
        final int out = target.position();
        int i = from;
        if (source.order() == target.order())
        {
            for (; i + Long.BYTES <= to; i += Long.BYTES)
            {
                final long product = products(row, source.getLong(in + i));
                target.putLong(out + i, add ? target.getLong(out + i) ^ product : product);
            }
        }
        final byte[] products = Gf256.PRODUCTS;
        for (; i < to; i++)
        {
            final byte product = products[row | (source.get(in + i) & 0xff)];
            target.put(out + i, add ? (byte)(target.get(out + i) ^ product) : product);
        }
    }

    /**
     * The products of the eight bytes of {@code x}, each in its own byte: one long load and store per
     * eight bytes instead of eight bounds-checked byte accesses. Byte order does not matter so long as
     * the long is stored in the order it was loaded in, which the callers check.
     */
    private static long products(final int row, final long x)
    {
        final byte[] p = Gf256.PRODUCTS;
        return (p[row | (int)(x & 0xff)] & 0xffL)
            | (p[row | (int)(x >>> 8 & 0xff)] & 0xffL) << 8
            | (p[row | (int)(x >>> 16 & 0xff)] & 0xffL) << 16
            | (p[row | (int)(x >>> 24 & 0xff)] & 0xffL) << 24
            | (p[row | (int)(x >>> 32 & 0xff)] & 0xffL) << 32
            | (p[row | (int)(x >>> 40 & 0xff)] & 0xffL) << 40
            | (p[row | (int)(x >>> 48 & 0xff)] & 0xffL) << 48
            | (p[row | (int)(x >>> 56)] & 0xffL) << 56;
    }

    private static void fill(final ByteBuffer target, final int from, final int to)
    {
        final int out = target.position();
        for (int i = from; i < to; i++)
        {
            target.put(out + i, (byte)0);
        }
    }
}
