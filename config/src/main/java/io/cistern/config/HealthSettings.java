package io.cistern.config;

import java.time.Duration;

/**
 * The health monitor.
 *
 * @param reconcileInterval how often drive health is compared with cluster membership, catching any
 *                          membership change whose event was missed (e.g. during a monitor hand-over).
 * @param askTimeout        how long the control plane waits for an entity to answer.
 */
public record HealthSettings(Duration reconcileInterval, Duration askTimeout)
{
}
