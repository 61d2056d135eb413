package io.cistern.node.process;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Reaches this node's {@link DriveJoiner} from the API routes, which Pekko Management builds with
 * nothing but the actor system. Empty until the data plane has started.
 */
public final class DriveJoinExtension implements Extension
{
    public static final ExtensionId<DriveJoinExtension> ID = new ExtensionId<>()
    {
        @Override
        public DriveJoinExtension createExtension(final ActorSystem<?> system)
        {
            return new DriveJoinExtension();
        }
    };

    private volatile DriveJoiner joiner;

    public static DriveJoinExtension get(final ActorSystem<?> system)
    {
        return system.registerExtension(ID);
    }

    void register(final DriveJoiner nodeJoiner)
    {
        this.joiner = nodeJoiner;
    }

    /** This node's joiner, or null while the data plane is not up yet. */
    public DriveJoiner joiner()
    {
        return joiner;
    }
}
