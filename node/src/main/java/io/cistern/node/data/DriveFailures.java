package io.cistern.node.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The drives of this node that are failed-stop: one failed an I/O with an error (not a checksum
 * mismatch, which is the block's fault, not the drive's) or its probe. A failed drive takes no more
 * I/O from this process: every read, write and flush of its extents is answered
 * {@link io.cistern.transport.DataStatus#FAILED_STOP} without touching it, so a drive that answers
 * again after an error cannot serve bytes whose writes were lost. A restart of the node tests it again.
 * <p>
 * Written by the data server's thread and the probe thread, read by every data-plane thread: the
 * common case, no drive failed, is a lookup in an empty concurrent map (one volatile read).
 */
public final class DriveFailures
{
    private static final Logger LOG = LoggerFactory.getLogger(DriveFailures.class);

    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> listener = (drive, reason) -> { };

    /** Who is told of each failure (the control plane, once it is up); told again by {@link #retell()}. */
    public void listener(final BiConsumer<String, String> listener)
    {
        this.listener = listener;
    }

    public boolean isFailed(final String driveId)
    {
        return driveId != null && failed.containsKey(driveId);
    }

    /** Fails a drive stop (once; later reasons are dropped) and tells the listener. */
    public void fail(final String driveId, final String reason)
    {
        if (failed.putIfAbsent(driveId, reason) == null)
        {
            LOG.error("Drive {} is failed-stop: {}", driveId, reason);
            listener.accept(driveId, reason);
        }
    }

    /** Tells the listener of every failed drive again, in case a report was lost before the pool took it. */
    public void retell()
    {
        failed.forEach(listener);
    }
}
