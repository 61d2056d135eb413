package io.cistern.transport;

/** The data-plane contract over {@code aeron:udp} on loopback: what nodes on different hosts use. */
class UdpDataPlaneTest extends DataPlaneContract
{
    @Override
    DataPlaneFixture.Endpoints nextEndpoints()
    {
        return new DataPlaneFixture.Endpoints(Loopback.udpChannel(), Loopback.udpChannel(), Loopback.udpChannel(),
            DataPlaneSettings.DEFAULT_REQUEST_STREAM_ID, DataPlaneSettings.DEFAULT_REPLY_STREAM_ID);
    }
}
