package io.cistern.storage.erasure;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Multiply-accumulate a vector of bytes at a time, ISA-L's technique in the Vector API: a product
 * {@code c * x} is {@code lo[x & 15] ^ hi[x >>> 4]}, two 16-entry tables per coefficient, and a table
 * lookup for every lane at once is a byte shuffle ({@code selectFrom}, PSHUFB/VPERMB on x86).
 * <p>
 * Per vector step each output is accumulated in a register over all sources and stored once, so a
 * pass of up to four outputs reads each source and writes each output exactly once. Bytes past the
 * last whole vector go to {@link ScalarKernel}, which gives the same bytes.
 * <p>
 * Loaded only by {@link CodingKernel#best()} when {@code jdk.incubator.vector} is present. The vector
 * width is the platform's preferred one unless {@value #BITS_PROPERTY} names 128, 256 or 512.
 */
final class VectorKernel extends CodingKernel
{
    static final String BITS_PROPERTY = "cistern.erasure.vectorBits";

    private static final VectorSpecies<Byte> SPECIES = species(Integer.getInteger(BITS_PROPERTY, 0));
    private static final int LANES = SPECIES.length();
    private static final int ACCUMULATORS = 4;
    /** Where a coefficient's low-nibble table starts in {@link #NIBBLES}; its high-nibble table follows. */
    private static final int TABLE_STRIDE = 2 * LANES;
    /**
     * For every coefficient c, a vector of {@code c * (lane & 15)} then one of {@code c * ((lane & 15) << 4)}.
     * A nibble selects only lanes 0..15; the lanes above repeat them, which costs nothing and keeps the
     * tables valid for an in-lane shuffle too.
     */
    private static final byte[] NIBBLES = nibbleTables();

    @Override
    void run(final CodingPass pass, final ByteBuffer[] columns, final int length)
    {
        final int bound = SPECIES.loopBound(length);
        if (pass.xorOnly && pass.outputs.length == 1)
        {
            xorSources(pass.sources, columns[pass.outputs[0]], columns, bound);
        }
        else
        {
            for (int first = 0; first < pass.outputs.length; first += ACCUMULATORS)
            {
                runOutputs(pass, columns, first, Math.min(ACCUMULATORS, pass.outputs.length - first), bound);
            }
        }
        if (bound < length)
        {
            ScalarKernel.runRange(pass, columns, bound, length);
        }
    }

    /**
     * Up to four outputs, {@code first..first+count-1}, in registers: each source vector is loaded and
     * split into nibbles once, then folded into every output. Four covers every RS pass (m <= 4) in one
     * sweep; wider passes take another sweep per four outputs.
     */
    private static void runOutputs(final CodingPass pass, final ByteBuffer[] columns, final int first, final int count, final int bound)
    {
        final int[] sources = pass.sources;
        final ByteBuffer out0 = columns[pass.outputs[first]];
        final ByteBuffer out1 = count > 1 ? columns[pass.outputs[first + 1]] : null;
        final ByteBuffer out2 = count > 2 ? columns[pass.outputs[first + 2]] : null;
        final ByteBuffer out3 = count > 3 ? columns[pass.outputs[first + 3]] : null;
        for (int i = 0; i < bound; i += LANES)
        {
            ByteVector sum0 = ByteVector.zero(SPECIES);
            ByteVector sum1 = sum0;
            ByteVector sum2 = sum0;
            ByteVector sum3 = sum0;
            for (int s = 0; s < sources.length; s++)
            {
                final ByteVector x = load(columns[sources[s]], i);
                final ByteVector low = x.and((byte)0x0f);
                final ByteVector high = x.lanewise(VectorOperators.LSHR, 4).and((byte)0x0f);
                sum0 = sum0.lanewise(VectorOperators.XOR, product(pass.coefficient(first, s), low, high));
                if (count > 1)
                {
                    sum1 = sum1.lanewise(VectorOperators.XOR, product(pass.coefficient(first + 1, s), low, high));
                }
                if (count > 2)
                {
                    sum2 = sum2.lanewise(VectorOperators.XOR, product(pass.coefficient(first + 2, s), low, high));
                }
                if (count > 3)
                {
                    sum3 = sum3.lanewise(VectorOperators.XOR, product(pass.coefficient(first + 3, s), low, high));
                }
            }
            store(sum0, out0, i);
            if (count > 1)
            {
                store(sum1, out1, i);
            }
            if (count > 2)
            {
                store(sum2, out2, i);
            }
            if (count > 3)
            {
                store(sum3, out3, i);
            }
        }
    }

    /**
     * An LRC local parity or local repair: no shuffles at all. A separate loop rather than a test of
     * each coefficient inside the general one, where C2 would have to box the vectors that the branch
     * merges (measured: megabytes allocated per stripe).
     */
    private static void xorSources(final int[] sources, final ByteBuffer out, final ByteBuffer[] columns, final int bound)
    {
        for (int i = 0; i < bound; i += LANES)
        {
            ByteVector sum = load(columns[sources[0]], i);
            for (int s = 1; s < sources.length; s++)
            {
                sum = sum.lanewise(VectorOperators.XOR, load(columns[sources[s]], i));
            }
            store(sum, out, i);
        }
    }

    @Override
    void mulAdd(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int length)
    {
        final int bound = SPECIES.loopBound(length);
        for (int i = 0; i < bound; i += LANES)
        {
            final ByteVector x = load(source, i);
            final ByteVector product = product(coefficient, x.and((byte)0x0f), x.lanewise(VectorOperators.LSHR, 4).and((byte)0x0f));
            store(load(target, i).lanewise(VectorOperators.XOR, product), target, i);
        }
        if (bound < length)
        {
            ScalarKernel.mulAddRange(coefficient, source, target, bound, length);
        }
    }

    @Override
    String name()
    {
        return "vector" + SPECIES.vectorBitSize();
    }

    private static ByteVector load(final ByteBuffer column, final int offset)
    {
        return ByteVector.fromByteBuffer(SPECIES, column, column.position() + offset, ByteOrder.LITTLE_ENDIAN);
    }

    private static void store(final ByteVector vector, final ByteBuffer column, final int offset)
    {
        vector.intoByteBuffer(column, column.position() + offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code coefficient * x}, given x's low and high nibbles. */
    private static ByteVector product(final int coefficient, final ByteVector low, final ByteVector high)
    {
        final int table = coefficient * TABLE_STRIDE;
        return low.selectFrom(ByteVector.fromArray(SPECIES, NIBBLES, table))
            .lanewise(VectorOperators.XOR, high.selectFrom(ByteVector.fromArray(SPECIES, NIBBLES, table + LANES)));
    }

    private static byte[] nibbleTables()
    {
        final byte[] tables = new byte[256 * TABLE_STRIDE];
        for (int c = 0; c < 256; c++)
        {
            for (int lane = 0; lane < LANES; lane++)
            {
                tables[c * TABLE_STRIDE + lane] = (byte)Gf256.mul(c, lane & 15);
                tables[c * TABLE_STRIDE + LANES + lane] = (byte)Gf256.mul(c, (lane & 15) << 4);
            }
        }
        return tables;
    }

    private static VectorSpecies<Byte> species(final int bits)
    {
        switch (bits)
        {
            case 0:
                return ByteVector.SPECIES_PREFERRED;
            case 128:
                return ByteVector.SPECIES_128;
            case 256:
                return ByteVector.SPECIES_256;
            case 512:
                return ByteVector.SPECIES_512;
            default:
                throw new IllegalArgumentException(BITS_PROPERTY + "=" + bits + ": must be 128, 256 or 512");
        }
    }
}
