package io.cistern.node.frontend.nbd;

import java.util.List;

/** The exports an NBD server offers: a name resolves to a device for the length of one connection. */
public interface Exports
{
    List<String> names();

    /**
     * The device for {@code name}, attached for {@code client}; null if there is no such export.
     * @throws ExportException when the export exists but cannot be opened now (the message says why).
     */
    BlockDevice open(String name, String client);

    /** The connection that opened {@code name} is gone. */
    void close(String name, String client, BlockDevice device);

    /** Why an export exists but cannot be served. */
    final class ExportException extends RuntimeException
    {
        public ExportException(final String message)
        {
            super(message);
        }
    }
}
