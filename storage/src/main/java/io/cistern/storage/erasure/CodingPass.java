package io.cistern.storage.erasure;

/**
 * One sweep of a kernel over a stripe: every output column becomes a linear combination of the same
 * source columns, {@code out[o] = sum over s of coefficient(o, s) * in[s]}. Sharing the sources lets a
 * kernel load each source byte once for all outputs, which is what makes a full-stripe encode one pass
 * over memory rather than m.
 * <p>
 * Immutable (final fields, arrays never written after construction), so plans holding passes can be
 * shared between threads.
 */
final class CodingPass
{
    /** Column indices read, in the order of the coefficients' columns. */
    final int[] sources;
    /** Column indices written. */
    final int[] outputs;
    /** {@code coefficients[o * sources.length + s]}, field elements as bytes. */
    final byte[] coefficients;
    /** Every coefficient is 1: a plain XOR of the sources, as an LRC local parity or local repair is. */
    final boolean xorOnly;

    CodingPass(final int[] sources, final int[] outputs, final int[][] coefficientRows)
    {
        this.sources = sources;
        this.outputs = outputs;
        this.coefficients = new byte[outputs.length * sources.length];
        for (int o = 0; o < outputs.length; o++)
        {
            for (int s = 0; s < sources.length; s++)
            {
                coefficients[o * sources.length + s] = (byte)coefficientRows[o][s];
            }
        }
        boolean ones = true;
        for (final byte coefficient : coefficients)
        {
            ones &= coefficient == 1;
        }
        this.xorOnly = ones && sources.length > 0;
    }

    int coefficient(final int output, final int source)
    {
        return coefficients[output * sources.length + source] & 0xff;
    }
}
