package io.cistern.node.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PerfArchiveTest
{
    private static final List<String> SERIES = List.of("a", "b");
    private static final long T0 = 1_800_000_000L; // a multiple of 3600: every tier's interval starts here

    @TempDir
    Path dir;

    @Test
    void samplesAreAveragedPerIntervalAndKeptAcrossAReopen() throws Exception
    {
        final Path file = dir.resolve("volume-vol1.perf");
        try (PerfArchive archive = PerfArchive.open(file, SERIES))
        {
            archive.record(T0, new double[] {10, 1});
            archive.record(T0 + 10, new double[] {20, 2});
            archive.record(T0 + 12, new double[] {40, 4}); // the same 10 s interval as the one before
        }
        assertEquals(PerfArchive.SLOTS_PER_SERIES * 2L * PerfArchive.SLOT_BYTES, Files.size(file) - header(file), "a fixed size");
        try (PerfArchive archive = PerfArchive.open(file, SERIES))
        {
            final List<PerfArchive.Point> tenSeconds = archive.read(PerfArchive.TIERS.get(0), T0, T0 + 60);
            assertEquals(2, tenSeconds.size());
            assertEquals(T0, tenSeconds.get(0).epochSecond());
            assertArrayEquals(new double[] {10, 1}, tenSeconds.get(0).values());
            assertArrayEquals(new double[] {30, 3}, tenSeconds.get(1).values(), "two samples in one interval average");
            final List<PerfArchive.Point> fiveMinutes = archive.read(PerfArchive.TIERS.get(1), T0, T0 + 60);
            assertEquals(1, fiveMinutes.size());
            assertArrayEquals(new double[] {70.0 / 3, 7.0 / 3}, fiveMinutes.get(0).values(), 1e-9);
        }
    }

    @Test
    void aTierForgetsWhatIsOlderThanItKeeps() throws Exception
    {
        try (PerfArchive archive = PerfArchive.open(dir.resolve("a.perf"), SERIES))
        {
            final PerfArchive.Tier tier = PerfArchive.TIERS.get(0);
            final long span = (long) tier.seconds() * tier.slots();
            archive.record(T0, new double[] {1, 1});
            archive.record(T0 + span, new double[] {2, 2}); // an hour later: the same slot, taken over
            final List<PerfArchive.Point> points = archive.read(tier, T0, T0 + span);
            assertEquals(1, points.size());
            assertEquals(T0 + span, points.get(0).epochSecond());
            assertEquals(2, archive.read(PerfArchive.TIERS.get(1), T0, T0 + span).size(), "the five-minute tier keeps both");
        }
    }

    @Test
    void anArchiveOfOtherSeriesIsStartedAgain() throws Exception
    {
        final Path file = dir.resolve("b.perf");
        try (PerfArchive archive = PerfArchive.open(file, SERIES))
        {
            archive.record(T0, new double[] {1, 1});
        }
        try (PerfArchive archive = PerfArchive.open(file, List.of("a", "b", "c")))
        {
            assertEquals(List.of(), archive.read(PerfArchive.TIERS.get(0), T0, T0 + 10));
        }
    }

    private static long header(final Path file)
    {
        return 8 + 4 + 4 + 2 * (2 + 1); // magic, version, count, two one-letter names
    }
}
