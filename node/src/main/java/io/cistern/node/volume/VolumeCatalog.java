package io.cistern.node.volume;

import java.util.List;

/**
 * The volumes a front end offers: a name resolves to a {@link VolumeIo} for the length of one client
 * session (an NBD connection, an iSCSI session). Opening attaches the client to the volume, closing
 * detaches it.
 */
public interface VolumeCatalog
{
    List<String> names();

    /**
     * The volume {@code name}, attached for {@code client}; null if there is no such volume.
     * @throws OpenRefused when the volume exists but cannot be served now (the message says why).
     */
    VolumeIo open(String name, String client);

    /** The session that opened {@code name} is over. */
    void close(String name, String client, VolumeIo volume);

    /** Why a volume exists but cannot be served. */
    final class OpenRefused extends RuntimeException
    {
        public OpenRefused(final String message)
        {
            super(message);
        }
    }
}
