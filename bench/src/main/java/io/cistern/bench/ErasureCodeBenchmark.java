package io.cistern.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cistern.storage.erasure.Columns;
import io.cistern.storage.erasure.ErasureCode;
import io.cistern.storage.erasure.RepairPlan;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of one stripe holding {@code dataKiB} of data, on one thread, over direct buffers
 * as drive extents would be. A stripe's columns are {@code dataKiB / k} rounded up to 4 KiB, so RS(10,4)
 * codes 10 x 104 KiB. One operation is one stripe; {@link CodecBench} turns operations per second into
 * GB/s of data (k columns' bytes, not parity).
 * <p>
 * Decode loses the first {@code lost} data columns, clamped to what the code rebuilds (RS(2,1): 1); for
 * LRC(12,2,1) one lost column is a local repair and two in one group are a global one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ErasureCodeBenchmark
{
    private static final Pattern SHAPE = Pattern.compile("(RS|LRC)-(\\d+)-(\\d+)(?:-(\\d+))?");

    /** RS-k-m or LRC-k-l-r: JMH's command line splits parameter values at commas. */
    @Param({"RS-2-1", "RS-2-2", "RS-4-2", "RS-6-2", "RS-10-4", "LRC-12-2-1"})
    public String code;

    @Param({"1024"})
    public int dataKiB;

    @Param({"2"})
    public int lost;

    /** {@code auto}, {@code scalar} or {@code vector}: the codec's cistern.erasure.kernel. */
    @Param({"auto"})
    public String kernel;

    private ErasureCode erasureCode;
    private ByteBuffer[] stripe;
    private int erased;

    @Setup(Level.Trial)
    public void setUp()
    {
        System.setProperty("cistern.erasure.kernel", kernel);
        erasureCode = codeOf(code);
        final int column = columnBytes(erasureCode.dataColumns(), dataKiB);
        stripe = new ByteBuffer[erasureCode.columns()];
        final Random random = new Random(42);
        final byte[] bytes = new byte[column];
        for (int c = 0; c < stripe.length; c++)
        {
            random.nextBytes(bytes);
            stripe[c] = ByteBuffer.allocateDirect(column).put(bytes).clear();
        }
        erasureCode.encode(stripe);
        final int[] lostColumns = new int[Math.min(lost, code.startsWith("RS") ? erasureCode.parityColumns() : 2)];
        for (int i = 0; i < lostColumns.length; i++)
        {
            lostColumns[i] = i;
        }
        erased = Columns.of(lostColumns);
        final RepairPlan plan = erasureCode.plan(erased);
        if (!plan.isRecoverable())
        {
            throw new IllegalStateException(plan.reason());
        }
    }

    @Benchmark
    public void encode()
    {
        erasureCode.encode(stripe);
    }

    @Benchmark
    public void decode()
    {
        erasureCode.reconstruct(stripe, erased);
    }

    static ErasureCode codeOf(final String shape)
    {
        final Matcher m = SHAPE.matcher(shape);
        if (!m.matches())
        {
            throw new IllegalArgumentException("code=" + shape + ": must be RS-k-m or LRC-k-l-r");
        }
        final int a = Integer.parseInt(m.group(2));
        final int b = Integer.parseInt(m.group(3));
        return m.group(1).equals("RS")
            ? ErasureCode.reedSolomon(a, b)
            : ErasureCode.localReconstruction(a, b, Integer.parseInt(m.group(4)));
    }

    static int columnBytes(final int dataColumns, final int dataKiB)
    {
        final int pages = (dataKiB / 4 + dataColumns - 1) / dataColumns;
        return pages * 4096;
    }
}
