package io.cistern.actors.repair;

import io.cistern.actors.serialization.CisternSerializable;

/**
 * What a rebalance round did ({@code cistern pool optimize}'s answer). Kryo id 224 (it was
 * HealthMonitor.Optimized; the wire form is the same).
 *
 * @param spread utilisation of the fullest minus the emptiest healthy drive, in percentage points.
 * @param moves  copies this round moves.
 * @param detail what the round did, or why it did nothing.
 */
public record Optimized(double spread, int moves, String detail) implements CisternSerializable
{
}
