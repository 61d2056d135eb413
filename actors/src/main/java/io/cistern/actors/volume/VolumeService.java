package io.cistern.actors.volume;

import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.placement.Candidate;
import io.cistern.actors.placement.Placement;
import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.pool.PoolView;
import io.cistern.config.VolumeSettings;
import io.cistern.journal.plugin.InitialEvents;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The one place that turns a volume request into messages to the Volume and Slab entities, with ask
 * timeouts, placement over this node's view of the pool, and typed errors. The HTTP API and the data
 * path's front end call it; they never talk to the entities themselves.
 * <p>
 * The pool view lags the journal slightly, so two volumes created at the same instant may both count
 * the same free space; placement re-checks at each slab, and a drive that fills up is not chosen again.
 */
public final class VolumeService
{
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final ActorRef<PoolView.Command> poolView;
    private final VolumeSettings defaults;
    private final Duration timeout;

    public VolumeService(
        final ActorSystem<?> system,
        final ClusterSharding sharding,
        final ActorRef<PoolView.Command> poolView,
        final VolumeSettings defaults,
        final Duration timeout)
    {
        this.system = system;
        this.sharding = sharding;
        this.poolView = poolView;
        this.defaults = defaults;
        this.timeout = timeout;
    }

    public CompletionStage<VolumeInfo> create(final String name, final long sizeBytes, final Resiliency resiliency,
                                              final Provisioning provisioning)
    {
        final String badName = badName(name);
        if (badName != null)
        {
            return CompletableFuture.failedFuture(new VolumeException(VolumeException.Kind.BAD_REQUEST, badName));
        }
        return drives().thenCompose(drives ->
        {
            final List<Candidate> pool = candidates(drives);
            final int slabs = VolumeInfo.slabsFor(sizeBytes, defaults.slabSizeBytes());
            final Placement.Plan plan = provisioning == Provisioning.FIXED ?
                Placement.planVolume(pool, slabs, resiliency.copies(), defaults.faultDomain(), defaults.slabSizeBytes()) :
                // A thin volume places at first write, but must be placeable at all.
                Placement.planVolume(pool, 1, resiliency.copies(), defaults.faultDomain(), defaults.slabSizeBytes());
            if (!plan.ok())
            {
                throw new VolumeException(VolumeException.Kind.INSUFFICIENT_CAPACITY,
                    "cannot place " + resiliency.label() + " volume " + name + ": " + plan.refusal());
            }
            return this.<VolumeInfo>ask(volume(name), replyTo -> new Volume.Create(sizeBytes, resiliency, provisioning,
                    defaults.slabSizeBytes(), defaults.faultDomain(), replyTo))
                .thenCompose(info -> provisioning == Provisioning.FIXED ?
                    placeAll(info, plan.slabs(), 0, nodesOf(drives)).thenApply(done -> info) :
                    CompletableFuture.completedFuture(info));
        });
    }

    public CompletionStage<List<VolumeInfo>> list()
    {
        return AskPattern.ask(poolView, PoolView.GetVolumes::new, timeout, system.scheduler());
    }

    public CompletionStage<VolumeInfo> get(final String name)
    {
        final String badName = badName(name);
        if (badName != null)
        {
            return CompletableFuture.failedFuture(new VolumeException(VolumeException.Kind.BAD_REQUEST, badName));
        }
        return ask(volume(name), Volume.Get::new);
    }

    public CompletionStage<VolumeDetail> show(final String name)
    {
        return get(name).thenCompose(info -> slabsOf(info).thenApply(slabs ->
        {
            long footprint = 0;
            for (final SlabLayout slab : slabs)
            {
                footprint += slab.extentBytes() * slab.liveCount();
            }
            return new VolumeDetail(info, slabs, footprint);
        }));
    }

    public CompletionStage<VolumeInfo> resize(final String name, final long sizeBytes)
    {
        return get(name).thenCompose(before -> this.<VolumeInfo>ask(volume(name), replyTo -> new Volume.Resize(sizeBytes, replyTo))
            .thenCompose(after ->
            {
                if (after.provisioning() != Provisioning.FIXED || after.slabCount() == before.slabCount())
                {
                    return CompletableFuture.completedFuture(after);
                }
                return drives().thenCompose(drives ->
                {
                    final Placement.Plan plan = Placement.planVolume(candidates(drives), after.slabCount() - before.slabCount(),
                        after.resiliency().copies(), after.faultDomain(), after.slabSizeBytes());
                    if (!plan.ok())
                    {
                        throw new VolumeException(VolumeException.Kind.INSUFFICIENT_CAPACITY,
                            "volume " + name + " grew to " + after.sizeBytes() + " bytes but its new slabs cannot be placed yet: " +
                            plan.refusal());
                    }
                    return placeAll(after, plan.slabs(), before.slabCount(), nodesOf(drives)).thenApply(done -> after);
                });
            }));
    }

    public CompletionStage<VolumeInfo> delete(final String name, final boolean force)
    {
        return get(name).thenCompose(ignored -> this.<VolumeInfo>ask(volume(name), replyTo -> new Volume.Delete(force, replyTo))
            .thenCompose(info -> slabsOf(info).thenCompose(slabs ->
            {
                final List<CompletableFuture<SlabLayout>> freed = new ArrayList<>();
                for (final SlabLayout slab : slabs)
                {
                    // The health monitor frees a deleted volume's slabs too (orphans): one it freed first, or
                    // one never placed, answers "not placed", and is as freed as this delete wants it.
                    freed.add(this.<SlabLayout>ask(slab(info.volumeId(), slab.index()), Slab.Free::new)
                        .exceptionally(failure ->
                        {
                            if (unwrap(failure) instanceof VolumeException v && v.kind() == VolumeException.Kind.NOT_FOUND)
                            {
                                return slab;
                            }
                            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                        }).toCompletableFuture());
                }
                return CompletableFuture.allOf(freed.toArray(new CompletableFuture[0])).thenApply(done -> info);
            })));
    }

    public CompletionStage<VolumeInfo> attach(final String name, final String client)
    {
        return ask(volume(name), replyTo -> new Volume.Attach(client, replyTo));
    }

    public CompletionStage<VolumeInfo> detach(final String name, final String client)
    {
        return ask(volume(name), replyTo -> new Volume.Detach(client, replyTo));
    }

    /**
     * The layout of slab {@code index}, placing it now if the volume is thin and this is its first write.
     * Racing callers get the same layout: the Slab entity records the first placement only.
     */
    public CompletionStage<SlabLayout> layout(final VolumeInfo info, final int index, final boolean placeIfMissing)
    {
        return this.<SlabLayout>ask(slab(info.volumeId(), index), Slab.GetLayout::new)
            .exceptionallyCompose(failure ->
            {
                final Throwable cause = unwrap(failure);
                if (!placeIfMissing || !(cause instanceof VolumeException v) || v.kind() != VolumeException.Kind.NOT_FOUND)
                {
                    return CompletableFuture.failedFuture(cause);
                }
                // A thin slab is placed only for a volume that still exists under this id: a client still
                // writing to a deleted volume must not bring its space back.
                return get(info.name()).thenCompose(now ->
                {
                    if (now.volumeId() != info.volumeId())
                    {
                        throw new VolumeException(VolumeException.Kind.NOT_FOUND, "volume " + info.name() + " (id " +
                            Long.toHexString(info.volumeId()) + ") was deleted");
                    }
                    return drives();
                }).thenCompose(drives ->
                {
                    final Placement.Choice choice = Placement.chooseAllowingAway(candidates(drives), away(drives),
                        info.resiliency().copies(), info.faultDomain(), info.slabSizeBytes(), index);
                    if (!choice.ok())
                    {
                        throw new VolumeException(VolumeException.Kind.INSUFFICIENT_CAPACITY,
                            "cannot place slab " + index + " of " + info.name() + ": " + choice.refusal());
                    }
                    final ArrayList<Extent> extents = Slab.extents(choice.driveIds(), nodesOf(drives));
                    for (int copy = 0; copy < extents.size(); copy++)
                    {
                        final Extent extent = extents.get(copy);
                        if (choice.away().contains(extent.driveId()))
                        {
                            extents.set(copy, new Extent(copy, extent.driveId(), extent.node(), ExtentState.STALE));
                        }
                    }
                    return ask(slab(info.volumeId(), index), replyTo ->
                        new Slab.Place(info.volumeId(), index, info.slabSizeBytes(), extents, replyTo));
                });
            });
    }

    /** The layout of a placed slab as its Slab entity has it now (a node's table may be catching up). */
    public CompletionStage<SlabLayout> currentLayout(final long volumeId, final int index)
    {
        return ask(slab(volumeId, index), Slab.GetLayout::new);
    }

    /**
     * Has the Slab entity mark copies stale (bit mask) that missed a write to {@code offset}+{@code length}
     * of the slab's extents: persisted before the caller acknowledges the write.
     *
     * @return the slab's layout after the mark.
     */
    public CompletionStage<SlabLayout> markStale(final VolumeInfo info, final int index, final int copies, final long offset,
                                                 final long length)
    {
        return markStale(info.volumeId(), index, copies, offset, length);
    }

    public CompletionStage<SlabLayout> markStale(final long volumeId, final int index, final int copies, final long offset,
                                                 final long length)
    {
        return ask(slab(volumeId, index), replyTo -> new Slab.MarkStale(copies, offset, length, replyTo));
    }

    /** Begins (or resumes) the resync of a stale copy of a slab: see {@link Slab.BeginResync}. */
    public CompletionStage<Slab.Resync> beginResync(final long volumeId, final int index, final int copy)
    {
        return ask(slab(volumeId, index), replyTo -> new Slab.BeginResync(copy, replyTo));
    }

    /** Records how far a resync has copied, so a crash does not send it back to zero: see {@link Slab.Checkpoint}. */
    public CompletionStage<Long> checkpoint(final long volumeId, final int index, final int copy, final long since, final long offset)
    {
        return ask(slab(volumeId, index), replyTo -> new Slab.Checkpoint(copy, since, offset, replyTo));
    }

    /** Puts a resynced copy back in sync: see {@link Slab.EndResync}. */
    public CompletionStage<SlabLayout> endResync(final long volumeId, final int index, final int copy)
    {
        return ask(slab(volumeId, index), replyTo -> new Slab.EndResync(copy, replyTo));
    }

    private CompletionStage<List<SlabLayout>> slabsOf(final VolumeInfo info)
    {
        return AskPattern.ask(poolView, replyTo -> new PoolView.GetSlabs(info.volumeId(), replyTo), timeout, system.scheduler());
    }

    private CompletableFuture<Void> placeAll(final VolumeInfo info, final List<List<String>> plan, final int firstIndex,
                                             final Map<String, String> nodes)
    {
        final java.util.Optional<InitialEvents> bulk = InitialEvents.of(Adapter.toClassic(system));
        if (bulk.isPresent())
        {
            return placeInBulk(bulk.get(), info, plan, firstIndex, nodes);
        }
        final List<CompletableFuture<SlabLayout>> placed = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++)
        {
            placed.add(place(info, firstIndex + i, plan.get(i), nodes).toCompletableFuture());
        }
        return CompletableFuture.allOf(placed.toArray(new CompletableFuture[0]));
    }

    /**
     * Writes every slab's {@link Slab.Placed} as the slab's first event, a thousand to a journal entry,
     * without starting the entities (each recovers it when first asked). A slab that has an event already
     * is asked to place itself instead, which answers with the layout it has.
     */
    private CompletableFuture<Void> placeInBulk(final InitialEvents bulk, final VolumeInfo info, final List<List<String>> plan,
                                                final int firstIndex, final Map<String, String> nodes)
    {
        // In chunks, one after the other: a volume of half a million slabs held every event, and every
        // journal entry in flight, at once, and a node's heap ran out.
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < plan.size(); from += BULK_CHUNK)
        {
            final int start = from;
            final List<List<String>> chunk = plan.subList(start, Math.min(plan.size(), start + BULK_CHUNK));
            chain = chain.thenCompose(done -> placeChunk(bulk, info, chunk, firstIndex + start, nodes));
        }
        return chain;
    }

    /** Slabs placed in bulk one after the other, so many at a time. */
    private static final int BULK_CHUNK = 16_384;

    private CompletableFuture<Void> placeChunk(final InitialEvents bulk, final VolumeInfo info, final List<List<String>> plan,
                                               final int firstIndex, final Map<String, String> nodes)
    {
        final List<InitialEvents.Initial> initials = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++)
        {
            final int index = firstIndex + i;
            final SlabLayout layout = new SlabLayout(info.volumeId(), index, 1, info.slabSizeBytes(), Slab.extents(plan.get(i), nodes));
            initials.add(new InitialEvents.Initial(Slab.persistenceId(info.volumeId(), index), new Slab.Placed(layout),
                java.util.Set.of(Slab.TAG)));
        }
        return bulk.write(initials).toCompletableFuture().thenCompose(outcomes ->
        {
            final List<CompletableFuture<SlabLayout>> asked = new ArrayList<>();
            for (int i = 0; i < outcomes.size(); i++)
            {
                if (outcomes.get(i).isPresent())
                {
                    asked.add(place(info, firstIndex + i, plan.get(i), nodes).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(asked.toArray(new CompletableFuture[0]));
        });
    }

    private CompletionStage<SlabLayout> place(final VolumeInfo info, final int index, final List<String> driveIds,
                                              final Map<String, String> nodes)
    {
        return ask(slab(info.volumeId(), index), replyTo ->
            new Slab.Place(info.volumeId(), index, info.slabSizeBytes(), Slab.extents(driveIds, nodes), replyTo));
    }

    private CompletionStage<List<DriveStatus>> drives()
    {
        return AskPattern.ask(poolView, PoolView.GetDrives::new, timeout, system.scheduler());
    }

    static List<Candidate> candidates(final List<DriveStatus> drives)
    {
        final List<Candidate> pool = new ArrayList<>();
        for (final DriveStatus d : drives)
        {
            pool.add(new Candidate(d.id(), d.info().node(), d.info().faultDomain(), d.info().capacityBytes(), d.allocatedBytes(),
                d.health() == DriveHealth.HEALTHY));
        }
        return pool;
    }

    /** Drives out of communication (their node is down or cut off): they may take stale copies of a new thin slab. */
    static List<Candidate> away(final List<DriveStatus> drives)
    {
        final List<Candidate> away = new ArrayList<>();
        for (final DriveStatus d : drives)
        {
            if (d.health() == DriveHealth.LOST_COMMUNICATION)
            {
                away.add(new Candidate(d.id(), d.info().node(), d.info().faultDomain(), d.info().capacityBytes(),
                    d.allocatedBytes(), false));
            }
        }
        return away;
    }

    private static Map<String, String> nodesOf(final List<DriveStatus> drives)
    {
        final Map<String, String> nodes = new HashMap<>();
        drives.forEach(d -> nodes.put(d.id(), d.info().node()));
        return nodes;
    }

    private EntityRef<Volume.Command> volume(final String name)
    {
        return sharding.entityRefFor(Volume.ENTITY_TYPE_KEY, name);
    }

    private EntityRef<Slab.Command> slab(final long volumeId, final int index)
    {
        return sharding.entityRefFor(Slab.ENTITY_TYPE_KEY, Slab.entityId(volumeId, index));
    }

    private <R> CompletionStage<R> ask(
        final EntityRef<?> entity, final org.apache.pekko.japi.function.Function<ActorRef<StatusReply<R>>, ?> message)
    {
        @SuppressWarnings("unchecked")
        final EntityRef<Object> ref = (EntityRef<Object>)entity;
        return ref.<StatusReply<R>>ask(replyTo -> message.apply(replyTo), timeout)
            .handle((reply, failure) ->
            {
                if (failure != null)
                {
                    throw new VolumeException(VolumeException.Kind.UNAVAILABLE, entity.getEntityId() + " did not answer within " +
                        timeout.toSeconds() + "s (" + (unwrap(failure) instanceof TimeoutException ? "timeout" : unwrap(failure)) + ")");
                }
                if (reply.isError())
                {
                    throw new VolumeException(classify(reply.getError().getMessage()), reply.getError().getMessage());
                }
                return reply.getValue();
            });
    }

    /** The entities refuse with sentences; these are the ones that are not the caller's bad input. */
    static VolumeException.Kind classify(final String refusal)
    {
        if (refusal.startsWith("no volume named") || refusal.endsWith("is not placed"))
        {
            return VolumeException.Kind.NOT_FOUND;
        }
        if (refusal.endsWith("already exists") || refusal.contains(" is attached by "))
        {
            return VolumeException.Kind.CONFLICT;
        }
        return VolumeException.Kind.BAD_REQUEST;
    }

    private static String badName(final String name)
    {
        return name != null && name.matches(NAME) ? null : "volume name '" + name +
            "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";
    }

    private static Throwable unwrap(final Throwable failure)
    {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null)
        {
            t = t.getCause();
        }
        return t;
    }
}
