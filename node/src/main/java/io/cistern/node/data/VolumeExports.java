package io.cistern.node.data;

import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.node.frontend.nbd.BlockDevice;
import io.cistern.node.frontend.nbd.Exports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The volumes of the pool as NBD exports of this node: any node serves any volume. Opening an export
 * attaches the connection to the volume (so a volume in use is not deleted by accident); closing it
 * detaches.
 */
public final class VolumeExports implements Exports
{
    private static final Logger LOG = LoggerFactory.getLogger(VolumeExports.class);

    private final FrontEnd frontEnd;

    public VolumeExports(final FrontEnd frontEnd)
    {
        this.frontEnd = frontEnd;
    }

    public FrontEndCounters counters()
    {
        return frontEnd.counters();
    }

    @Override
    public List<String> names()
    {
        try
        {
            return frontEnd.service().list().toCompletableFuture().get(frontEnd.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .stream().map(VolumeInfo::name).toList();
        }
        catch (final Exception ex)
        {
            LOG.warn("Listing volumes for an NBD client failed: {}", ex.toString());
            return List.of();
        }
    }

    @Override
    public BlockDevice open(final String name, final String clientId)
    {
        final VolumeInfo info;
        try
        {
            frontEnd.service().get(name).toCompletableFuture().get(frontEnd.timeout().toMillis(), TimeUnit.MILLISECONDS);
            info = frontEnd.service().attach(name, clientId).toCompletableFuture().get(frontEnd.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof VolumeException v &&
                (v.kind() == VolumeException.Kind.NOT_FOUND || v.kind() == VolumeException.Kind.BAD_REQUEST))
            {
                return null;
            }
            throw new ExportException("volume " + name + " cannot be opened: " + ex.getCause().getMessage());
        }
        catch (final Exception ex)
        {
            throw new ExportException("volume " + name + " cannot be opened: " + ex);
        }
        return new VolumeDevice(info, frontEnd);
    }

    @Override
    public void close(final String name, final String clientId, final BlockDevice device)
    {
        frontEnd.service().detach(name, clientId).whenComplete((info, failure) ->
        {
            if (failure != null)
            {
                LOG.warn("Detaching {} from volume {} failed: {}", clientId, name, failure.toString());
            }
        });
    }
}
