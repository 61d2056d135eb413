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
        final byte[] products = Gf256.PRODUCTS;
        final int row = coefficient << 8;
        final int in = source.position();
        final int out = target.position();
        for (int i = from; i < to; i++)
        {
            target.put(out + i, (byte)(target.get(out + i) ^ products[row | (source.get(in + i) & 0xff)]));
        }
    }

    private static void copyProducts(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int from, final int to)
    {
        final byte[] products = Gf256.PRODUCTS;
        final int row = coefficient << 8;
        final int in = source.position();
        final int out = target.position();
        for (int i = from; i < to; i++)
        {
            target.put(out + i, products[row | (source.get(in + i) & 0xff)]);
        }
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
