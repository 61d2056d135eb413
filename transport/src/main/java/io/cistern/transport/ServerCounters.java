package io.cistern.transport;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

/**
 * A {@link DataServer}'s Aeron counters (visible to {@code AeronStat} and the node's metrics): requests taken,
 * requests refused for a stale layout epoch, frames that were not requests, replies that could not be sent,
 * and exceptions caught at its boundary.
 */
final class ServerCounters implements AutoCloseable
{
    final Counter requests;
    final Counter staleEpochs;
    final Counter malformedFrames;
    final Counter repliesDropped;
    final Counter errors;

    /** @param label names the server in each counter's label, e.g. "data server aeron:ipc". */
    ServerCounters(final Aeron aeron, final String label)
    {
        Counter requests = null;
        Counter staleEpochs = null;
        Counter malformedFrames = null;
        Counter repliesDropped = null;
        try
        {
            requests = DataCounters.add(aeron, DataCounters.SERVER_REQUESTS_TYPE_ID, label + " requests");
            staleEpochs = DataCounters.add(aeron, DataCounters.SERVER_STALE_EPOCHS_TYPE_ID, label + " stale epochs");
            malformedFrames = DataCounters.add(aeron, DataCounters.SERVER_MALFORMED_FRAMES_TYPE_ID, label + " malformed frames");
            repliesDropped = DataCounters.add(aeron, DataCounters.SERVER_REPLIES_DROPPED_TYPE_ID, label + " replies dropped");
            this.errors = DataCounters.add(aeron, DataCounters.SERVER_ERRORS_TYPE_ID, label + " errors");
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(requests, staleEpochs, malformedFrames, repliesDropped);
            throw ex;
        }
        this.requests = requests;
        this.staleEpochs = staleEpochs;
        this.malformedFrames = malformedFrames;
        this.repliesDropped = repliesDropped;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(requests, staleEpochs, malformedFrames, repliesDropped, errors);
    }
}
