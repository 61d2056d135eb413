package io.cistern.node.repair;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.util.List;

/**
 * Reaches this node's {@link Jobs} from the API routes, which Pekko Management builds reflectively with
 * nothing but the actor system. Empty until the data plane has started.
 */
public final class JobsExtension implements Extension
{
    public static final ExtensionId<JobsExtension> ID = new ExtensionId<>()
    {
        @Override
        public JobsExtension createExtension(final ActorSystem<?> system)
        {
            return new JobsExtension();
        }
    };

    private volatile Jobs jobs;
    private volatile org.apache.pekko.actor.typed.ActorRef<Scrubber.Command> scrubber;

    public static JobsExtension get(final ActorSystem<?> system)
    {
        return system.registerExtension(ID);
    }

    public void register(final Jobs nodeJobs)
    {
        this.jobs = nodeJobs;
    }

    public void register(final org.apache.pekko.actor.typed.ActorRef<Scrubber.Command> nodeScrubber)
    {
        this.scrubber = nodeScrubber;
    }

    /** Starts a scrub pass on this node now; false if the data plane is not up yet. */
    public boolean scrub()
    {
        final org.apache.pekko.actor.typed.ActorRef<Scrubber.Command> known = scrubber;
        if (known == null)
        {
            return false;
        }
        known.tell(new Scrubber.Start());
        return true;
    }

    public List<Jobs.Job> list()
    {
        final Jobs known = jobs;
        return known == null ? List.of() : known.list();
    }
}
