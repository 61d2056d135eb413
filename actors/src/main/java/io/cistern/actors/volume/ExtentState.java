package io.cistern.actors.volume;

/** The state of one copy of a slab. */
public enum ExtentState
{
    /** Holds every acknowledged write: may serve reads and must receive writes. */
    IN_SYNC,
    /** Missed writes (its node was unreachable): never read; resync copies the dirty regions. */
    STALE,
    /**
     * Being filled from an in-sync copy (a resync of a stale copy, or a rebuild on a new drive): receives
     * every write, serves no reads, does not count toward a write's majority.
     */
    REBUILDING,
    /** Its drive is gone for good; a rebuild elsewhere will replace it. */
    MISSING,
    /**
     * Handed over to a copy that took its place (make before break, {@link Slab.Handover}): holds nothing the
     * slab needs, receives and serves nothing, is not one of the slab's copies, and its node deletes its file.
     * Its place in the layout may be taken by a later incoming copy on another drive.
     */
    RETIRED
}
