package io.cistern.config;

import java.time.Duration;

/**
 * The health monitor.
 *
 * @param reconcileInterval how often drive health is compared with cluster membership, catching any
 *                          membership change whose event was missed (e.g. during a monitor hand-over).
 * @param askTimeout        how long the control plane waits for an entity to answer.
 * @param retireAfter       how long a drive may be out of communication before the monitor has its
 *                          extents rebuilt elsewhere ({@code cistern.repair.retire-after}).
 * @param driveProbeInterval how often each node probes its drives (reads the header back, writes a probe
 *                          file); a drive that fails the probe is failed-stop.
 * @param rebalanceSpread   how far apart (0..1) the utilisation of the fullest and the emptiest healthy drive
 *                          may be before the monitor moves copies ({@code cistern.repair.rebalance-spread},
 *                          in percentage points).
 * @param rebalanceMoves    how many copies a rebalance moves at a time ({@code cistern.repair.rebalance-moves}).
 */
public record HealthSettings(Duration reconcileInterval, Duration askTimeout, Duration retireAfter, Duration driveProbeInterval,
                             double rebalanceSpread, int rebalanceMoves)
{
    public HealthSettings(final Duration reconcileInterval, final Duration askTimeout)
    {
        this(reconcileInterval, askTimeout, Duration.ofMinutes(15), Duration.ofSeconds(2), 0.10, 2);
    }
}
