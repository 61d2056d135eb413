package io.cistern.transport;

import java.util.concurrent.atomic.AtomicInteger;

/** The data-plane contract over {@code aeron:ipc}: nodes sharing one media driver on one host. */
class IpcDataPlaneTest extends DataPlaneContract
{
    private static final AtomicInteger STREAMS = new AtomicInteger(3000);

    @Override
    DataPlaneFixture.Endpoints nextEndpoints()
    {
        // All IPC clients share one reply stream per fixture, told apart by client id.
        final int requestStreamId = STREAMS.getAndAdd(2);
        return new DataPlaneFixture.Endpoints("aeron:ipc", "aeron:ipc", "aeron:ipc", requestStreamId, requestStreamId + 1);
    }
}
