package io.cistern.actors.health;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.health.HealthMonitor.Fault;
import io.cistern.actors.perf.Perf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Faults of what the drives did, from their nodes' performance history of the last hour: a drive whose
 * blocks failed their checksum ({@code DRIVE_CHECKSUM_ERRORS}: each was served and repaired from another
 * copy, but a drive that does it is failing), and one much slower than its peers of the same medium
 * ({@code DRIVE_LATENCY_OUTLIER}: S2D's "abnormal latency"). Pure, tested directly.
 */
final class DriveIoFaults
{
    /** Blocks failing their checksum within the window that make a fault. */
    static final int CHECKSUM_THRESHOLD = 1;
    /** Operations in the window below which a drive's latency says nothing. */
    static final double MIN_OPERATIONS = 100;
    /** An outlier is this many times its peers' median latency... */
    static final double OUTLIER_FACTOR = 5;
    /** ...and above this (microseconds): a drive at 2 ms among drives at 0.2 ms is not a problem. */
    static final double OUTLIER_FLOOR_MICROS = 20_000;
    /** Peers of the same medium, the drive included, needed to call one an outlier. */
    static final int MIN_PEERS = 3;

    private DriveIoFaults()
    {
    }

    /** @param window what the summaries cover, for the messages (e.g. "the last hour"). */
    static List<Fault> of(final List<Perf.DriveSummary> summaries, final List<DriveStatus> drives, final String window, final long now)
    {
        final Map<String, DriveStatus> byId = new HashMap<>();
        drives.forEach(d -> byId.put(d.id(), d));
        final List<Fault> faults = new ArrayList<>();
        final Map<String, List<Perf.DriveSummary>> byMedia = new HashMap<>();
        for (final Perf.DriveSummary summary : summaries)
        {
            final DriveStatus drive = byId.get(summary.driveId());
            if (drive == null || drive.health() == DriveHealth.RETIRED || drive.health() == DriveHealth.UNHEALTHY)
            {
                continue; // not in the pool, or already a fault of its own
            }
            if (summary.checksumErrors() >= CHECKSUM_THRESHOLD)
            {
                faults.add(new Fault("WARNING", "DRIVE_CHECKSUM_ERRORS", DriveFaults.subject(drive), String.format("%.0f block(s) failed their " +
                    "checksum in %s; each was served and repaired from another copy, but a drive that does this is failing: " +
                    "retire it (cistern drive retire %s) if it goes on", summary.checksumErrors(), window, drive.id()), now));
            }
            if (summary.operations() >= MIN_OPERATIONS)
            {
                byMedia.computeIfAbsent(drive.info().mediaType().name(), m -> new ArrayList<>()).add(summary);
            }
        }
        for (final List<Perf.DriveSummary> peers : byMedia.values())
        {
            if (peers.size() < MIN_PEERS)
            {
                continue;
            }
            final List<Perf.DriveSummary> sorted = new ArrayList<>(peers);
            sorted.sort(Comparator.comparingDouble(Perf.DriveSummary::latencyMicros));
            final double median = sorted.get(sorted.size() / 2).latencyMicros();
            for (final Perf.DriveSummary summary : peers)
            {
                if (summary.latencyMicros() > OUTLIER_FLOOR_MICROS && summary.latencyMicros() > OUTLIER_FACTOR * median)
                {
                    final DriveStatus drive = byId.get(summary.driveId());
                    faults.add(new Fault("WARNING", "DRIVE_LATENCY_OUTLIER", DriveFaults.subject(drive), String.format("a mean latency of %.1f ms " +
                        "over %.0f operations in %s, %.0f times the %.1f ms of its %d peers' median (%s): a drive this slow holds up " +
                        "every write to its slabs; check it, or retire it", summary.latencyMicros() / 1000, summary.operations(), window,
                        summary.latencyMicros() / Math.max(1, median), median / 1000, peers.size(), drive.info().mediaType()), now));
                }
            }
        }
        return faults;
    }
}
