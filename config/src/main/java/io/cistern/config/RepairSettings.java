package io.cistern.config;

/**
 * How repairs (resync of stale copies) share the machine with client I/O.
 *
 * @param bandwidthBytesPerSecond the most a node's repairs copy per second, so client I/O keeps going.
 */
public record RepairSettings(long bandwidthBytesPerSecond)
{
}
