package io.cistern.transport;

/**
 * Where a {@link DataServer} sends the replies for a client: the client's own reply channel.
 * <p>
 * Requests name their client by id rather than carrying an address, so the frame stays fixed-size and a
 * client's address is configuration (the node registry), not data. The server asks once per client and
 * keeps the publication.
 */
@FunctionalInterface
public interface ReplyChannels
{
    /**
     * @param clientId the client id from a request.
     * @return the Aeron channel the client's {@link DataClient} subscribes to, or null for an unknown client
     *         (its requests are counted and dropped).
     */
    String channelFor(int clientId);
}
