package io.cistern.config;

import java.time.Duration;

/**
 * How repairs (resync and rebuild of copies, scrubbing) share the machine with client I/O.
 *
 * @param bandwidthBytesPerSecond the most a node's resyncs and rebuilds copy per second, all together.
 * @param concurrency             how many resyncs and rebuilds a node runs at once; they share the bandwidth.
 * @param scrubBytesPerSecond     the most a node's scrubber reads per second.
 * @param scrubInterval           how often a scrub pass over every extent of a node begins.
 */
public record RepairSettings(long bandwidthBytesPerSecond, int concurrency, long scrubBytesPerSecond, Duration scrubInterval)
{
    /** What each of a node's concurrent jobs may copy per second, so that together they keep to the bandwidth. */
    public long bandwidthPerJob()
    {
        return Math.max(1, bandwidthBytesPerSecond / concurrency);
    }
}
