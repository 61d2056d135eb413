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
 * pass reads each source and writes each output exactly once. Lanes past the last whole vector go to
 * {@link ScalarKernel}, which gives the same bytes.
 * <p>
 * Loaded only by {@link CodingKernel#best()} when {@code jdk.incubator.vector} is present. The vector
 * width is the platform's preferred one unless {@value #BITS_PROPERTY} names 128, 256 or 512.
 */
final class VectorKernel extends CodingKernel
{
    static final String BITS_PROPERTY = "cistern.erasure.vectorBits";

    private static final VectorSpecies<Byte> SPECIES = species(Integer.getInteger(BITS_PROPERTY, 0));
    private static final int LANES = SPECIES.length();
    /** Where a coefficient's low-nibble table starts in {@link #NIBBLES}; its high-nibble table follows. */
    private static final int TABLE_STRIDE = 2 * LANES;
    /**
     * For every coefficient c, a vector of {@code c * (lane & 15)} then one of {@code c * ((lane & 15) << 4)}:
     * the 16 products repeated across the vector, so a lookup is correct whichever lanes the shuffle reads.
     */
    private static final byte[] NIBBLES = nibbleTables();

    @Override
    void run(final CodingPass pass, final ByteBuffer[] columns, final int length)
    {
        final int bound = SPECIES.loopBound(length);
        final int[] sources = pass.sources;
        final int[] outputs = pass.outputs;
        for (int i = 0; i < bound; i += LANES)
        {
            for (int o = 0; o < outputs.length; o++)
            {
                ByteVector sum = ByteVector.zero(SPECIES);
                for (int s = 0; s < sources.length; s++)
                {
                    final ByteBuffer in = columns[sources[s]];
                    sum = sum.lanewise(VectorOperators.XOR, product(pass.coefficient(o, s), load(in, i)));
                }
                final ByteBuffer out = columns[outputs[o]];
                sum.intoByteBuffer(out, out.position() + i, ByteOrder.LITTLE_ENDIAN);
            }
        }
        if (bound < length)
        {
            ScalarKernel.runRange(pass, columns, bound, length);
        }
    }

    @Override
    void mulAdd(final int coefficient, final ByteBuffer source, final ByteBuffer target, final int length)
    {
        final int bound = SPECIES.loopBound(length);
        for (int i = 0; i < bound; i += LANES)
        {
            final ByteVector sum = load(target, i).lanewise(VectorOperators.XOR, product(coefficient, load(source, i)));
            sum.intoByteBuffer(target, target.position() + i, ByteOrder.LITTLE_ENDIAN);
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

    private static ByteVector product(final int coefficient, final ByteVector x)
    {
        final int table = coefficient * TABLE_STRIDE;
        final ByteVector low = x.and((byte)0x0f);
        final ByteVector high = x.lanewise(VectorOperators.LSHR, 4).and((byte)0x0f);
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
