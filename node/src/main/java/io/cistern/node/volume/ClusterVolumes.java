package io.cistern.node.volume;

import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The volumes of the pool as this node's front ends offer them: any node serves any volume. Opening a
 * volume attaches the client session to it (so a volume in use is not deleted by accident); closing it
 * detaches.
 */
public final class ClusterVolumes implements VolumeCatalog
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVolumes.class);

    private final DataPath path;

    public ClusterVolumes(final DataPath path)
    {
        this.path = path;
    }

    @Override
    public List<String> names()
    {
        try
        {
            return path.service().list().toCompletableFuture().get(path.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .stream().map(VolumeInfo::name).toList();
        }
        catch (final Exception ex)
        {
            LOG.warn("Listing volumes for a client failed: {}", ex.toString());
            return List.of();
        }
    }

    @Override
    public VolumeIo open(final String name, final String clientId)
    {
        final VolumeInfo info;
        try
        {
            path.service().get(name).toCompletableFuture().get(path.timeout().toMillis(), TimeUnit.MILLISECONDS);
            info = path.service().attach(name, clientId).toCompletableFuture().get(path.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof VolumeException v &&
                (v.kind() == VolumeException.Kind.NOT_FOUND || v.kind() == VolumeException.Kind.BAD_REQUEST))
            {
                return null;
            }
            throw new OpenRefused("volume " + name + " cannot be opened: " + ex.getCause().getMessage());
        }
        catch (final Exception ex)
        {
            throw new OpenRefused("volume " + name + " cannot be opened: " + ex);
        }
        return new ClusterVolume(info, path);
    }

    @Override
    public void close(final String name, final String clientId, final VolumeIo volume)
    {
        path.service().detach(name, clientId).whenComplete((info, failure) ->
        {
            if (failure != null)
            {
                LOG.warn("Detaching {} from volume {} failed: {}", clientId, name, failure.toString());
            }
        });
    }
}
