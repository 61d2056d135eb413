package io.cistern.node.perf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One object's performance history in a file of fixed size: round-robin tiers at S2D's resolutions,
 * 10 s for the last hour, 5 min for the last day, 1 h for the last 30 days. A sample goes into each tier's
 * slot for its time, which averages what lands in it; a slot whose interval is over is taken by the
 * next one that comes round. The file is mapped, so a sample costs a few stores into the page cache
 * and survives the process (not the machine: perf history is not worth a sync per sample).
 * <p>
 * Size: {@value #SLOT_BYTES} bytes per slot, {@link #SLOTS_PER_SERIES} slots per series (32.8 KB); an
 * object of {@code n} series takes {@code n} times that and a small header, whatever its uptime.
 *
 * <pre>
 * "CSTNPERF" int version (1) int series { UTF name }       header, then per series, per tier, per slot:
 * long interval number (time / resolution; 0: empty) double sum long count
 * </pre>
 * Owned by one thread (the recorder's); readers get copies.
 */
final class PerfArchive implements AutoCloseable
{
    /** A tier: its resolution and how many of its intervals it keeps. */
    record Tier(int seconds, int slots)
    {
    }

    static final List<Tier> TIERS = List.of(new Tier(10, 360), new Tier(300, 288), new Tier(3600, 720));
    static final int SLOTS_PER_SERIES = TIERS.stream().mapToInt(Tier::slots).sum();
    static final int SLOT_BYTES = 24;
    private static final byte[] MAGIC = "CSTNPERF".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private final Path file;
    private final List<String> series;
    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final int dataStart;

    private PerfArchive(final Path file, final List<String> series, final FileChannel channel, final MappedByteBuffer map,
                        final int dataStart)
    {
        this.file = file;
        this.series = series;
        this.channel = channel;
        this.map = map;
        this.dataStart = dataStart;
    }

    /**
     * Opens the archive in {@code file}, or makes it. One with other series (another version's) or a damaged
     * header is started again: history is worth less than a node that starts.
     */
    static PerfArchive open(final Path file, final List<String> series) throws IOException
    {
        final byte[] header = header(series);
        final long size = header.length + (long) series.size() * SLOTS_PER_SERIES * SLOT_BYTES;
        Files.createDirectories(file.toAbsolutePath().getParent());
        final boolean fresh = !Files.exists(file) || Files.size(file) != size || !Arrays.equals(header, readHeader(file, header.length));
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            if (fresh)
            {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(header), 0);
                channel.write(ByteBuffer.allocate(1), size - 1); // the rest reads as zeros: empty slots
            }
            final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new PerfArchive(file, List.copyOf(series), channel, map, header.length);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    private static byte[] header(final List<String> series) throws IOException
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(series.size());
        for (final String name : series)
        {
            out.writeUTF(name);
        }
        return bytes.toByteArray();
    }

    private static byte[] readHeader(final Path file, final int length) throws IOException
    {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(length);
            while (bytes.hasRemaining() && in.read(bytes) > 0)
            {
                // read what there is
            }
            return bytes.array();
        }
    }

    List<String> series()
    {
        return series;
    }

    Path file()
    {
        return file;
    }

    /** Adds one sample of every series (in {@link #series()} order) taken at {@code epochSecond}. */
    void record(final long epochSecond, final double[] values)
    {
        for (int s = 0; s < series.size(); s++)
        {
            int tierStart = 0;
            for (final Tier tier : TIERS)
            {
                final long interval = epochSecond / tier.seconds();
                final int at = slot(s, tierStart + (int) (interval % tier.slots()));
                if (map.getLong(at) != interval)
                {
                    map.putLong(at, interval);
                    map.putDouble(at + 8, 0);
                    map.putLong(at + 16, 0);
                }
                map.putDouble(at + 8, map.getDouble(at + 8) + values[s]);
                map.putLong(at + 16, map.getLong(at + 16) + 1);
                tierStart += tier.slots();
            }
        }
    }

    /** A tier's intervals from {@code fromSecond} to {@code toSecond}, oldest first: each interval's start and per series its average. */
    List<Point> read(final Tier tier, final long fromSecond, final long toSecond)
    {
        int tierStart = 0;
        for (final Tier t : TIERS)
        {
            if (t.equals(tier))
            {
                break;
            }
            tierStart += t.slots();
        }
        final List<Point> points = new ArrayList<>();
        final long first = Math.max(fromSecond / tier.seconds(), toSecond / tier.seconds() - tier.slots() + 1);
        for (long interval = first; interval <= toSecond / tier.seconds(); interval++)
        {
            final double[] sums = new double[series.size()];
            long count = 0;
            for (int s = 0; s < series.size(); s++)
            {
                final int at = slot(s, tierStart + (int) (interval % tier.slots()));
                if (map.getLong(at) == interval && map.getLong(at + 16) > 0)
                {
                    sums[s] = map.getDouble(at + 8);
                    count = map.getLong(at + 16);
                }
            }
            if (count > 0)
            {
                for (int s = 0; s < sums.length; s++)
                {
                    sums[s] /= count;
                }
                points.add(new Point(interval * tier.seconds(), sums));
            }
        }
        return points;
    }

    /** One interval of every series: its start (epoch seconds) and the series' averages over it. */
    record Point(long epochSecond, double[] values)
    {
    }

    private int slot(final int series, final int index)
    {
        return dataStart + (series * SLOTS_PER_SERIES + index) * SLOT_BYTES;
    }

    @Override
    public void close() throws IOException
    {
        map.force();
        channel.close();
    }
}
