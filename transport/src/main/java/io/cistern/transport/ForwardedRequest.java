package io.cistern.transport;

/** One request forwarded to peers: who asked, what, and what the peers have answered so far. */
final class ForwardedRequest
{
    final int index;
    long generation;
    long forwardId;
    boolean inUse;
    int kind;
    DataServer origin;
    ReplyPublications.Target target;
    int type;
    int flags;
    long correlationId;
    int clientId;
    long volumeId;
    int slab;
    int copy;
    long epoch;
    long offset;
    int length;
    int remaining;
    int status;
    /** Bit masks of copies: forwarded to, answered OK, and (once finished) did not confirm. */
    int asked;
    int confirmed;
    int missed;
    /** Copies that answered with a failure, or were given up on. */
    int failed;
    /**
     * A mirrored write's in-sync copies other than the primary's own (0 for a repair): how many of them may be
     * given up on before the deadline.
     */
    int inSyncMask;
    /** A peer refused the forward for its layout epoch: the whole write is to be retried. */
    boolean epochMismatch;
    boolean disturbed;
    long deadlineNs;

    ForwardedRequest(final int index)
    {
        this.index = index;
    }
}
