package io.cistern.node.repair;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The repair jobs this node has run and is running, for {@code GET /api/v1/jobs} and
 * {@code cistern job list}: written by the resync thread and the resyncer, read by the API.
 * Keeps the last {@link #KEEP} finished ones.
 */
public final class Jobs
{
    static final int KEEP = 200;

    /**
     * One job as an administrator reads it; {@code rate} in bytes a second, {@code etaSeconds} -1 if unknown;
     * {@code resumedFrom} the extent offset of the checkpoint it resumed from (0: it started from the beginning),
     * whose bytes are not in its totals; {@code source} the node it copies from.
     */
    public record Job(String id, String type, String node, String volumeId, int slab, int copy, String drive, String source, String state,
                      long bytesTotal, long bytesDone, long rate, long etaSeconds, boolean mapLost, long resumedFrom, long badBlocks,
                      long repairedBlocks, String started, String finished, String detail)
    {
    }

    private final String node;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public Jobs(final String node)
    {
        this.node = node;
    }

    Entry start(final String type, final long volumeId, final int slab, final int copy)
    {
        return start(type, volumeId, slab, copy, "");
    }

    Entry start(final String type, final long volumeId, final int slab, final int copy, final String drive)
    {
        final Entry entry = new Entry(node + "-" + type.toLowerCase() + "-" + ids.incrementAndGet(), type, volumeId, slab, copy, drive);
        entries.put(entry.id, entry);
        if (entries.size() > KEEP)
        {
            entries.values().stream().filter(e -> e.finished != null).min(Comparator.comparing(e -> e.finished))
                .ifPresent(oldest -> entries.remove(oldest.id));
        }
        return entry;
    }

    /** Every job, running first, then the most recently finished. */
    public List<Job> list()
    {
        final List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparing((Entry e) -> e.finished != null).thenComparing(e -> e.started, Comparator.reverseOrder()));
        final List<Job> jobs = new ArrayList<>(sorted.size());
        sorted.forEach(e -> jobs.add(e.snapshot()));
        return jobs;
    }

    /** The progress of one job: the resync thread writes it, the API reads it. */
    final class Entry implements ResyncTask.Progress
    {
        final String id;
        private volatile String type;
        private final long volumeId;
        private final int slab;
        private final int copy;
        private final String drive;
        private final Instant started = Instant.now();
        private final long startedNs = System.nanoTime();
        private volatile long total;
        private volatile long done;
        private volatile boolean mapLost;
        private volatile long resumedFrom;
        private volatile String source = "";
        private volatile Instant finished;
        private volatile long finishedNs;
        private volatile String state = "RUNNING";
        private volatile String detail = "";
        private volatile long badBlocks;
        private volatile long repairedBlocks;

        private Entry(final String id, final String type, final long volumeId, final int slab, final int copy, final String drive)
        {
            this.drive = drive;
            this.id = id;
            this.type = type;
            this.volumeId = volumeId;
            this.slab = slab;
            this.copy = copy;
        }

        @Override
        public void kind(final String kind)
        {
            type = kind;
        }

        @Override
        public void planned(final long bytes, final boolean lost)
        {
            total = bytes;
            mapLost = lost;
        }

        @Override
        public void source(final String node)
        {
            source = node;
        }

        @Override
        public void resumed(final long offset)
        {
            resumedFrom = offset;
        }

        @Override
        public void copied(final long bytes)
        {
            done = bytes;
        }

        void finish(final ResyncTask.Outcome outcome)
        {
            finish(outcome.done() ? null : outcome.failure());
        }

        /** @param failure why it did not finish, or null if it did. */
        void finish(final String failure)
        {
            state = failure == null ? "DONE" : "FAILED";
            detail = failure == null ? "" : failure;
            finishedNs = System.nanoTime();
            finished = Instant.now();
        }

        /** A scrub found a block failing its checksum, and whether it was rewritten from a good copy. */
        void badBlock(final boolean repaired)
        {
            badBlocks++;
            repairedBlocks += repaired ? 1 : 0;
        }

        Job snapshot()
        {
            final Instant end = finished;
            final long elapsedNs = Math.max(1, (end == null ? System.nanoTime() : finishedNs) - startedNs);
            final long copiedNow = done;
            final long rate = (long)(copiedNow * 1e9 / elapsedNs);
            final long eta = end != null ? 0 : rate > 0 ? (total - copiedNow) / rate : -1;
            return new Job(id, type, node, volumeId == 0 ? "" : Long.toHexString(volumeId), slab, copy, drive, source, state, total, copiedNow,
                rate, eta, mapLost, resumedFrom, badBlocks, repairedBlocks, started.toString(), end == null ? null : end.toString(), detail);
        }
    }
}
