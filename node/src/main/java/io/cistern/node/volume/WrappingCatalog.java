package io.cistern.node.volume;

import java.util.List;

/**
 * A catalog whose volumes are another's with something in front of each (the reservation check, the QoS
 * gate): it opens through the other, wraps what it opened, and hands the other back what it wrapped at close.
 */
public abstract class WrappingCatalog implements VolumeCatalog
{
    private final VolumeCatalog catalog;

    protected WrappingCatalog(final VolumeCatalog catalog)
    {
        this.catalog = catalog;
    }

    /** The volume as this catalog's clients get it. */
    protected abstract VolumeIo wrap(VolumeIo opened);

    /** The volume {@link #wrap} was given for {@code wrapped} (whatever the wrapper holds for it released). */
    protected abstract VolumeIo unwrap(VolumeIo wrapped);

    @Override
    public final List<String> names()
    {
        return catalog.names();
    }

    @Override
    public final VolumeIo open(final String name, final String client)
    {
        final VolumeIo opened = catalog.open(name, client);
        return opened == null ? null : wrap(opened);
    }

    @Override
    public final void close(final String name, final String client, final VolumeIo volume)
    {
        catalog.close(name, client, unwrap(volume));
    }
}
