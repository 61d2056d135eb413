package io.cistern.storage.erasure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Parity checked against Intel ISA-L's: files made once by {@code erasure/kat/generate.c} (format and
 * how to rebuild them in its header), read here as they are checked in.
 */
class KnownAnswerTest
{
    @ParameterizedTest(name = "RS({0},{1})")
    @CsvSource({"1,1", "2,1", "2,2", "4,2", "6,2", "6,3", "8,4", "10,4", "12,1", "12,3", "16,4", "17,3"})
    void encodesTheParityIsaLEncodes(final int k, final int m) throws IOException
    {
        final KnownAnswer kat = KnownAnswer.read(k, m);
        for (final CodingKernel kernel : Kernels.available())
        {
            final ErasureCode code = ErasureCode.reedSolomon(k, m).withKernel(kernel);
            final ByteBuffer[] stripe = kat.dataOnly(true);
            code.encode(stripe);
            for (int p = 0; p < m; p++)
            {
                assertArrayEquals(kat.parity[p], Stripes.bytes(stripe[k + p]), code + " " + kernel.name() + " parity " + p);
            }
        }
    }

    @ParameterizedTest(name = "RS({0},{1})")
    @CsvSource({"4,2", "10,4", "17,3"})
    void rebuildsIsaLStripesFromAnyKColumns(final int k, final int m) throws IOException
    {
        final KnownAnswer kat = KnownAnswer.read(k, m);
        final ErasureCode code = ErasureCode.reedSolomon(k, m);
        final Random random = new Random(k * 31 + m);
        for (int trial = 0; trial < 50; trial++)
        {
            final int erased = ReedSolomonTest.randomSet(random, k + m, m);
            final ByteBuffer[] stripe = kat.whole();
            Stripes.wipe(stripe, erased, random);
            code.reconstruct(stripe, erased);
            for (int c = 0; c < k + m; c++)
            {
                assertArrayEquals(kat.column(c), Stripes.bytes(stripe[c]), "erased " + Columns.describe(erased) + ", column " + c);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void lrcGlobalParityIsIsaLsRsParityOverAllTheData() throws IOException
    {
        final KnownAnswer kat = KnownAnswer.read(12, 1);
        final ErasureCode lrc = ErasureCode.localReconstruction(12, 2, 1);
        final ByteBuffer[] stripe = new ByteBuffer[15];
        System.arraycopy(kat.dataOnly(false), 0, stripe, 0, 12);
        for (int c = 12; c < 15; c++)
        {
            stripe[c] = ByteBuffer.allocate(kat.length);
        }
        lrc.encode(stripe);
        assertArrayEquals(kat.parity[0], Stripes.bytes(stripe[14]));
    }

    /** One file: k data columns and the m parity columns ISA-L made from them. */
    static final class KnownAnswer
    {
        final int length;
        final byte[][] data;
        final byte[][] parity;

        private KnownAnswer(final int length, final byte[][] data, final byte[][] parity)
        {
            this.length = length;
            this.data = data;
            this.parity = parity;
        }

        static KnownAnswer read(final int k, final int m) throws IOException
        {
            final String name = "/erasure/kat/rs-" + k + "-" + m + ".kat";
            try (InputStream in = KnownAnswerTest.class.getResourceAsStream(name))
            {
                assertNotNull(in, name);
                final ByteBuffer file = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(0x54414b43, file.getInt(), name + ": magic CKAT");
                assertEquals(k, file.getInt(), name + ": k");
                assertEquals(m, file.getInt(), name + ": m");
                final int length = file.getInt();
                file.getLong();
                final byte[][] data = new byte[k][length];
                final byte[][] parity = new byte[m][length];
                for (final byte[] column : data)
                {
                    file.get(column);
                }
                for (final byte[] column : parity)
                {
                    file.get(column);
                }
                assertEquals(0, file.remaining(), name + ": trailing bytes");
                return new KnownAnswer(length, data, parity);
            }
        }

        byte[] column(final int c)
        {
            return c < data.length ? data[c] : parity[c - data.length];
        }

        /** The data in buffers and zeroed parity columns after it. */
        ByteBuffer[] dataOnly(final boolean direct)
        {
            final ByteBuffer[] stripe = new ByteBuffer[data.length + parity.length];
            for (int c = 0; c < stripe.length; c++)
            {
                stripe[c] = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
                if (c < data.length)
                {
                    stripe[c].put(0, data[c]);
                }
            }
            return stripe;
        }

        ByteBuffer[] whole()
        {
            final ByteBuffer[] stripe = new ByteBuffer[data.length + parity.length];
            for (int c = 0; c < stripe.length; c++)
            {
                stripe[c] = ByteBuffer.wrap(column(c).clone());
            }
            return stripe;
        }
    }
}
