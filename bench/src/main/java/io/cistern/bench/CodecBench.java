package io.cistern.bench;

import java.util.Collection;
import java.util.Locale;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the JMH benchmarks (any JMH command-line options; by default {@link ErasureCodeBenchmark}) and
 * prints their throughput as GB/s of data, which is what erasure-code figures are quoted in (ISA-L's
 * own benchmarks count data bytes, not data plus parity).
 */
public final class CodecBench
{
    private CodecBench()
    {
    }

    public static void main(final String[] args) throws RunnerException, CommandLineOptionException
    {
        final CommandLineOptions options = new CommandLineOptions(args.length == 0 ? new String[] {ErasureCodeBenchmark.class.getSimpleName()} : args);
        final Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        System.out.printf("%-12s %-7s %5s %-8s %10s %8s %8s%n", "code", "op", "lost", "kernel", "column", "GB/s", "+-");
        for (final RunResult result : results)
        {
            final BenchmarkParams params = result.getParams();
            final String code = ErasureCodeBenchmark.codeOf(params.getParam("code")).toString();
            final int dataKiB = Integer.parseInt(params.getParam("dataKiB"));
            final int k = ErasureCodeBenchmark.codeOf(params.getParam("code")).dataColumns();
            final int column = ErasureCodeBenchmark.columnBytes(k, dataKiB);
            final double bytes = (double)k * column;
            final Result<?> score = result.getPrimaryResult();
            final String op = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            System.out.printf(Locale.ROOT, "%-12s %-7s %5s %-8s %9dK %8.2f %8.2f%n", code, op,
                op.equals("decode") ? params.getParam("lost") : "-", params.getParam("kernel"), column / 1024,
                score.getScore() * bytes / 1e9, score.getScoreError() * bytes / 1e9);
        }
    }
}
