package io.cistern.node.process;

import io.cistern.actors.node.NodeGuardian;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Reaches a node's {@link NodeGuardian} from code Pekko Management builds reflectively (health checks,
 * route providers), which is handed only the classic actor system.
 */
public final class Guardian
{
    private Guardian()
    {
    }

    @SuppressWarnings("unchecked")
    public static org.apache.pekko.actor.typed.ActorSystem<NodeGuardian.Command> of(final ActorSystem system)
    {
        // A typed ActorSystem is a reference to its guardian; NodeRunner creates it with NodeGuardian.
        return (org.apache.pekko.actor.typed.ActorSystem<NodeGuardian.Command>)(Object)Adapter.toTyped(system);
    }
}
