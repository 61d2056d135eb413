package io.cistern.node.volume.redundancy;

import io.cistern.actors.placement.Resiliency;
import io.cistern.node.metrics.VolumeMetrics;
import io.cistern.node.volume.redundancy.mirror.MirrorStrategy;

/**
 * How a volume's data is kept redundant, as the data path sees it; each kind makes its own
 * {@link SlabStrategy}. A new resiliency (parity k+m, mirror-accelerated parity) is a new record here and
 * a strategy of its own; it edits no other strategy.
 */
public sealed interface Redundancy
{
    /** A strategy for one thread's view of a volume. */
    SlabStrategy newStrategy(SlabAccess access, VolumeMetrics metrics, int maxChunk);

    /** The data path's redundancy for a volume's persisted resiliency. */
    static Redundancy of(final Resiliency resiliency)
    {
        return switch (resiliency)
        {
            case MIRROR_2, MIRROR_3 -> new Mirror(resiliency.copies());
        };
    }

    /** Every slab has {@code copies} full copies on distinct fault domains; one sequences its writes. */
    record Mirror(int copies) implements Redundancy
    {
        @Override
        public SlabStrategy newStrategy(final SlabAccess access, final VolumeMetrics metrics, final int maxChunk)
        {
            return new MirrorStrategy(copies, access, metrics, maxChunk);
        }
    }
}
