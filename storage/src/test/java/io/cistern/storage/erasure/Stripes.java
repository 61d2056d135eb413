package io.cistern.storage.erasure;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test stripes: random data, copies, and buffers whose column bytes do not start at index 0. */
final class Stripes
{
    private Stripes()
    {
    }

    /**
     * A stripe of {@code columns} buffers of {@code length} bytes each, data columns random, every
     * buffer positioned past a few junk bytes and limited before a few more, so that code which ignores
     * position or limit writes outside the column or reads the wrong bytes, and in a random byte order.
     */
    static ByteBuffer[] random(final Random random, final int dataColumns, final int columns, final int length, final boolean direct)
    {
        final ByteBuffer[] stripe = new ByteBuffer[columns];
        for (int c = 0; c < columns; c++)
        {
            final int lead = 1 + random.nextInt(7);
            final ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(length + lead + 5) : ByteBuffer.allocate(length + lead + 5);
            for (int i = 0; i < buffer.capacity(); i++)
            {
                buffer.put(i, (byte)random.nextInt());
            }
            buffer.position(lead).limit(lead + length);
            // A byte order the codec must not care about (the scalar kernel moves longs when orders agree).
            buffer.order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            stripe[c] = buffer;
        }
        return stripe;
    }

    static ByteBuffer[] copy(final ByteBuffer[] stripe)
    {
        final ByteBuffer[] copy = new ByteBuffer[stripe.length];
        for (int c = 0; c < stripe.length; c++)
        {
            copy[c] = copy(stripe[c]);
        }
        return copy;
    }

    static ByteBuffer copy(final ByteBuffer column)
    {
        final ByteBuffer whole = column.duplicate().clear();
        final ByteBuffer copy = column.isDirect() ? ByteBuffer.allocateDirect(whole.capacity()) : ByteBuffer.allocate(whole.capacity());
        copy.put(whole).position(column.position()).limit(column.limit());
        return copy.order(column.order());
    }

    /** Overwrites the erased columns' bytes with junk, so a repair that skips one is caught. */
    static void wipe(final ByteBuffer[] stripe, final int erased, final Random random)
    {
        for (final int c : Columns.toArray(erased))
        {
            for (int i = stripe[c].position(); i < stripe[c].limit(); i++)
            {
                stripe[c].put(i, (byte)random.nextInt());
            }
        }
    }

    /** Whole buffers equal, junk around the columns included: nothing was written outside a column. */
    static void assertSame(final ByteBuffer[] expected, final ByteBuffer[] actual, final String what)
    {
        for (int c = 0; c < expected.length; c++)
        {
            assertEquals(expected[c].duplicate().clear(), actual[c].duplicate().clear(), what + ": column " + c);
        }
    }

    static byte[] bytes(final ByteBuffer column)
    {
        final byte[] bytes = new byte[column.remaining()];
        column.duplicate().get(bytes);
        return bytes;
    }
}
