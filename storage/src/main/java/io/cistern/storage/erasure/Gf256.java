package io.cistern.storage.erasure;

/**
 * Arithmetic in GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d) and generator 2, the field
 * Intel ISA-L's erasure code uses: a different polynomial would give different parity bytes, so this
 * constant is part of the on-disk format of every parity column.
 * <p>
 * Addition is XOR. Multiplication goes through one 64 KiB product table, built once: the scalar kernel
 * reads the 256-byte row of each coefficient, and matrix work off the data path uses {@link #mul}.
 */
final class Gf256
{
    /** The reduction polynomial, with its x^8 term. */
    static final int POLYNOMIAL = 0x11d;

    /**
     * {@code PRODUCTS[(c << 8) | x] == c * x}: the scalar kernel's lookup table, one 256-byte row per
     * coefficient. Shared, never written after class initialisation.
     */
    static final byte[] PRODUCTS = new byte[256 * 256];

    private static final byte[] EXP = new byte[512];
    private static final int[] LOG = new int[256];

    static
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            EXP[i] = (byte)x;
            EXP[i + 255] = (byte)x;
            LOG[x] = i;
            x <<= 1;
            if (x > 0xff)
            {
                x ^= POLYNOMIAL;
            }
        }
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                PRODUCTS[(a << 8) | b] = (byte)slowMul(a, b);
            }
        }
    }

    private Gf256()
    {
    }

    /** The product of two field elements, each 0..255. */
    static int mul(final int a, final int b)
    {
        return PRODUCTS[(a << 8) | b] & 0xff;
    }

    /** The multiplicative inverse of a non-zero element. */
    static int inv(final int a)
    {
        if (a == 0)
        {
            throw new ArithmeticException("0 has no inverse in GF(2^8)");
        }
        return EXP[255 - LOG[a]] & 0xff;
    }

    private static int slowMul(final int a, final int b)
    {
        if (a == 0 || b == 0)
        {
            return 0;
        }
        return EXP[LOG[a] + LOG[b]] & 0xff;
    }
}
