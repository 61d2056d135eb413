package io.cistern.storage.erasure;

import java.nio.ByteBuffer;

/**
 * The per-byte work of erasure coding: GF(2^8) multiply-accumulate over column buffers. Each column's
 * bytes are its buffer's {@code [position, position + length)}; positions and limits are never moved.
 * <p>
 * Two implementations give the same bytes: {@link ScalarKernel}, table lookups that run anywhere, and
 * {@link VectorKernel}, the same nibble tables applied a vector at a time through
 * {@code jdk.incubator.vector}. {@link #best()} picks the vector one only when that module is in the
 * boot layer, so a JVM started without {@code --add-modules jdk.incubator.vector} still codes, slower.
 */
abstract class CodingKernel
{
    /** System property naming the kernel: {@code auto} (the default), {@code scalar} or {@code vector}. */
    static final String KERNEL_PROPERTY = "cistern.erasure.kernel";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Writes every output of the pass from its sources. Allocates nothing. */
    abstract void run(CodingPass pass, ByteBuffer[] columns, int length);

    /** {@code target ^= coefficient * source} over {@code length} bytes. Allocates nothing. */
    abstract void mulAdd(int coefficient, ByteBuffer source, ByteBuffer target, int length);

    abstract String name();

    static CodingKernel best()
    {
        return select(System.getProperty(KERNEL_PROPERTY, "auto"), ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent());
    }

    static CodingKernel select(final String wanted, final boolean vectorModulePresent)
    {
        switch (wanted)
        {
            case "scalar":
                return new ScalarKernel();
            case "vector":
                if (!vectorModulePresent)
                {
                    throw new IllegalStateException(KERNEL_PROPERTY + "=vector: start the JVM with --add-modules " + VECTOR_MODULE);
                }
                return vector(true);
            case "auto":
                return vectorModulePresent ? vector(false) : new ScalarKernel();
            default:
                throw new IllegalArgumentException(KERNEL_PROPERTY + "=" + wanted + ": must be auto, scalar or vector");
        }
    }

    /**
     * Loaded by name so that this class, and so every caller, links without the incubator module; only
     * VectorKernel itself refers to its classes.
     */
    private static CodingKernel vector(final boolean required)
    {
        try
        {
            return (CodingKernel)Class.forName(CodingKernel.class.getPackageName() + ".VectorKernel")
                .getDeclaredConstructor().newInstance();
        }
        catch (final ReflectiveOperationException | LinkageError e)
        {
            if (required)
            {
                throw new IllegalStateException(KERNEL_PROPERTY + "=vector: the vector kernel does not load", e);
            }
            return new ScalarKernel();
        }
    }
}
