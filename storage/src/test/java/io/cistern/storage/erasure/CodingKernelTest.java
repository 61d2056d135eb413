package io.cistern.storage.erasure;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CodingKernelTest
{
    @Test
    void theBuildRunsTestsWithTheVectorKernel()
    {
        // storage/pom.xml adds the module to the test JVM; without it the vector path would go untested.
        assertEquals(2, Kernels.available().size(), "kernels: " + Kernels.available());
        assertTrue(CodingKernel.best().name().startsWith("vector"), CodingKernel.best().name());
    }

    @Test
    void fallsBackToScalarWhenTheVectorModuleIsAbsent()
    {
        assertInstanceOf(ScalarKernel.class, CodingKernel.select("auto", false));
        assertInstanceOf(ScalarKernel.class, CodingKernel.select("scalar", true));
        assertEquals("cistern.erasure.kernel=vector: start the JVM with --add-modules jdk.incubator.vector",
            assertThrows(IllegalStateException.class, () -> CodingKernel.select("vector", false)).getMessage());
        assertEquals("cistern.erasure.kernel=simd: must be auto, scalar or vector",
            assertThrows(IllegalArgumentException.class, () -> CodingKernel.select("simd", true)).getMessage());
    }

    @Test
    void everyKernelGivesTheSameBytesForEveryCoefficientAndLength()
    {
        final List<CodingKernel> kernels = Kernels.available();
        final Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            final int sources = 1 + random.nextInt(17);
            // The first trials are all-ones single-output passes: the vector kernel's XOR-only loop.
            final int outputs = trial < 5 ? 1 : 1 + random.nextInt(7);
            final int length = trial < 150 ? trial : random.nextInt(9000);
            final int[][] rows = new int[outputs][sources];
            for (final int[] row : rows)
            {
                for (int s = 0; s < sources; s++)
                {
                    row[s] = trial < 10 ? 1 : trial == 10 ? s % 2 : random.nextInt(256);
                }
            }
            final int[] from = new int[sources];
            final int[] to = new int[outputs];
            for (int s = 0; s < sources; s++)
            {
                from[s] = s;
            }
            for (int o = 0; o < outputs; o++)
            {
                to[o] = sources + o;
            }
            final CodingPass pass = new CodingPass(from, to, rows);
            final ByteBuffer[] stripe = Stripes.random(random, sources, sources + outputs, length, random.nextBoolean());
            final ByteBuffer[] reference = Stripes.copy(stripe);
            kernels.get(0).run(pass, reference, length);
            assertProducts(reference, from, to, rows, length);
            for (final CodingKernel kernel : kernels)
            {
                final ByteBuffer[] actual = Stripes.copy(stripe);
                kernel.run(pass, actual, length);
                Stripes.assertSame(reference, actual, kernel.name() + " pass, length " + length);

                final int coefficient = random.nextInt(256);
                final ByteBuffer[] expected = Stripes.copy(stripe);
                new ScalarKernel().mulAdd(coefficient, expected[0], expected[1], length);
                final ByteBuffer[] added = Stripes.copy(stripe);
                kernel.mulAdd(coefficient, added[0], added[1], length);
                Stripes.assertSame(expected, added, kernel.name() + " mulAdd " + coefficient + ", length " + length);
            }
        }
    }

    /** The scalar reference itself, against the field's multiplication one byte at a time. */
    private static void assertProducts(final ByteBuffer[] stripe, final int[] from, final int[] to, final int[][] rows, final int length)
    {
        for (int o = 0; o < to.length; o++)
        {
            for (int i = 0; i < length; i++)
            {
                int expected = 0;
                for (int s = 0; s < from.length; s++)
                {
                    expected ^= Gf256.mul(rows[o][s], stripe[from[s]].get(stripe[from[s]].position() + i) & 0xff);
                }
                assertEquals(expected, stripe[to[o]].get(stripe[to[o]].position() + i) & 0xff);
            }
        }
    }
}
