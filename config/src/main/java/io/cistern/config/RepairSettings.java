package io.cistern.config;

import java.time.Duration;

/**
 * How repairs (resync and rebuild of copies, scrubbing) share the machine with client I/O.
 *
 * @param bandwidthBytesPerSecond the most a node's resyncs and rebuilds copy per second.
 * @param scrubBytesPerSecond     the most a node's scrubber reads per second.
 * @param scrubInterval           how often a scrub pass over every extent of a node begins.
 */
public record RepairSettings(long bandwidthBytesPerSecond, long scrubBytesPerSecond, Duration scrubInterval)
{
}
