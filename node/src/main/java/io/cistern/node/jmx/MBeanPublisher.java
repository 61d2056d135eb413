package io.cistern.node.jmx;

import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.health.HealthMonitor;
import io.cistern.actors.node.NodeGuardian;
import io.cistern.actors.repair.Optimized;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.actors.volume.VolumeService;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.node.repair.JobsExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Publishes Cistern's MBeans in the platform MBean server under {@code io.cistern}: the node, the pool
 * and the faults from the start, then one bean per drive and volume of the pool and per repair job of
 * this node, kept in step with them every {@code interval} (a bean appears when its object does and goes
 * when it goes). Each refresh asks this node's pool view and the health monitor once and swaps the
 * snapshot the beans read.
 */
public final class MBeanPublisher
{
    public static final String DOMAIN = "io.cistern";

    sealed interface Command
    {
    }

    private record Tick() implements Command
    {
    }

    private record Refreshed(PoolSnapshot snapshot) implements Command
    {
    }

    private MBeanPublisher()
    {
    }

    public static Behavior<Command> create(final ActorRef<NodeGuardian.Command> guardian, final MetricsRegistry metrics,
                                           final String node, final Duration interval)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        {
            final var system = context.getSystem();
            final Duration timeout = Duration.ofSeconds(10);
            final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            final PoolSnapshot[] current = {PoolSnapshot.EMPTY};
            final java.util.function.Supplier<PoolSnapshot> snapshot = () -> current[0];
            final Set<ObjectName> published = new HashSet<>();

            register(server, published, name("type=Node,name=" + quote(node)), new Beans.Node(node, snapshot, metrics,
                () -> JobsExtension.get(system).scrub() ? "scrub started on " + node + " (see its jobs)" : "the data plane is not up yet"),
                NodeMXBean.class);
            register(server, published, name("type=Pool"), new Beans.Pool(snapshot, () -> wait(
                AskPattern.<NodeGuardian.Command, Optimized>ask(guardian, NodeGuardian.Optimize::new, timeout, system.scheduler())
                    .thenApply(o -> o.moves() + " move(s) planned, spread " + o.spread() + ": " + o.detail()), timeout)),
                PoolMXBean.class);
            register(server, published, name("type=Faults"), new Beans.Faults(snapshot), FaultsMXBean.class);
            final Set<ObjectName> fixed = Set.copyOf(published);

            timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, interval);
            return Behaviors.receive(Command.class)
                .onMessage(Tick.class, tick ->
                {
                    context.pipeToSelf(refresh(guardian, system, timeout), (fresh, failure) -> new Refreshed(fresh));
                    return Behaviors.same();
                })
                .onMessage(Refreshed.class, refreshed ->
                {
                    if (refreshed.snapshot() == null)
                    {
                        return Behaviors.same(); // the cluster did not answer in time: keep the last snapshot
                    }
                    current[0] = refreshed.snapshot();
                    final Set<ObjectName> wanted = new HashSet<>(fixed);
                    for (final DriveStatus drive : refreshed.snapshot().drives())
                    {
                        final ObjectName name = name("type=Drive,node=" + quote(drive.info().node()) + ",id=" + drive.id());
                        wanted.add(name);
                        if (!published.contains(name))
                        {
                            register(server, published, name, new Beans.Drive(drive.id(), snapshot, metrics,
                                reason -> retire(system, drive.id(), reason, timeout)), DriveMXBean.class);
                        }
                    }
                    for (final VolumeInfo volume : refreshed.snapshot().volumes())
                    {
                        final ObjectName name = name("type=Volume,name=" + quote(volume.name()));
                        wanted.add(name);
                        if (!published.contains(name))
                        {
                            register(server, published, name, new Beans.Volume(volume.name(), snapshot, metrics), VolumeMXBean.class);
                        }
                    }
                    for (final io.cistern.node.repair.Jobs.Job job : refreshed.snapshot().jobs())
                    {
                        final ObjectName name = name("type=Job,node=" + quote(node) + ",id=" + quote(job.id()));
                        wanted.add(name);
                        if (!published.contains(name))
                        {
                            register(server, published, name, new Beans.Job(job.id(), snapshot), JobMXBean.class);
                        }
                    }
                    for (final ObjectName gone : Set.copyOf(published))
                    {
                        if (!wanted.contains(gone))
                        {
                            unregister(server, published, gone);
                        }
                    }
                    return Behaviors.same();
                })
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop ->
                {
                    Set.copyOf(published).forEach(name -> unregister(server, published, name));
                    return Behaviors.same();
                })
                .build();
        }));
    }

    /** The pool view's drives and volumes, the faults and this node's jobs; null if any did not answer in time. */
    private static CompletionStage<PoolSnapshot> refresh(final ActorRef<NodeGuardian.Command> guardian,
                                                         final org.apache.pekko.actor.typed.ActorSystem<?> system, final Duration timeout)
    {
        final CompletableFuture<List<DriveStatus>> drives = AskPattern.<NodeGuardian.Command, List<DriveStatus>>ask(guardian,
            NodeGuardian.GetDrives::new, timeout, system.scheduler()).toCompletableFuture();
        final CompletableFuture<List<VolumeInfo>> volumes = AskPattern.<NodeGuardian.Command, VolumeService>ask(guardian,
                NodeGuardian.GetVolumeService::new, timeout, system.scheduler())
            .thenCompose(VolumeService::list).toCompletableFuture();
        final CompletableFuture<HealthMonitor.Faults> faults = AskPattern.<NodeGuardian.Command, HealthMonitor.Faults>ask(guardian,
            NodeGuardian.GetFaults::new, timeout, system.scheduler()).toCompletableFuture();
        int up = 0;
        for (final org.apache.pekko.cluster.Member member : Cluster.get(system).state().getMembers())
        {
            up += member.status() == MemberStatus.up() ? 1 : 0;
        }
        final int members = up;
        return CompletableFuture.allOf(drives, volumes, faults).handle((all, failure) -> failure != null ? null
            : new PoolSnapshot(drives.join(), volumes.join(), faults.join().faults(), JobsExtension.get(system).list(), members));
    }

    private static String retire(final org.apache.pekko.actor.typed.ActorSystem<?> system, final String drive, final String reason,
                                 final Duration timeout)
    {
        return wait(ClusterSharding.get(system).entityRefFor(Drive.ENTITY_TYPE_KEY, drive)
            .<DriveStatus>askWithStatus(replyTo -> new Drive.Retire(reason, replyTo), timeout)
            .thenApply(status -> "drive " + drive + " is " + status.health() + ": " + status.detail()), timeout);
    }

    /** An operation's answer: JMX operations are synchronous, so the caller waits (bounded) for the cluster's. */
    private static String wait(final CompletionStage<String> answer, final Duration timeout)
    {
        try
        {
            return answer.toCompletableFuture().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        catch (final Exception e)
        {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            return "failed: " + cause.getMessage();
        }
    }

    static ObjectName name(final String properties)
    {
        try
        {
            return new ObjectName(DOMAIN + ":" + properties);
        }
        catch (final javax.management.MalformedObjectNameException e)
        {
            throw new IllegalArgumentException(properties, e);
        }
    }

    /** A name as it is when it can be (what a user types), quoted when it has a character ObjectName reserves. */
    private static String quote(final String value)
    {
        return value.matches("[A-Za-z0-9._-]+") ? value : ObjectName.quote(value);
    }

    private static <T> void register(final MBeanServer server, final Set<ObjectName> published, final ObjectName name, final T bean,
                                     final Class<T> type)
    {
        try
        {
            server.registerMBean(new StandardMBean(bean, type, true), name);
            published.add(name);
        }
        catch (final InstanceAlreadyExistsException e)
        {
            // Left by an earlier publisher in this JVM (one that stopped without its PostStop): this one's wins.
            unregister(server, published, name);
            register(server, published, name, bean, type);
        }
        catch (final JMException e)
        {
            throw new IllegalStateException("could not register " + name, e);
        }
    }

    private static void unregister(final MBeanServer server, final Set<ObjectName> published, final ObjectName name)
    {
        try
        {
            server.unregisterMBean(name);
        }
        catch (final InstanceNotFoundException e)
        {
            // gone already
        }
        catch (final JMException e)
        {
            throw new IllegalStateException("could not unregister " + name, e);
        }
        published.remove(name);
    }
}
