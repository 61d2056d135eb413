package io.cistern.actors.reservation;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asks a volume's {@link Reservations} entity, wherever it runs, and waits for every node's
 * {@link ReservationView} to enforce what changed.
 */
public final class ReservationService
{
    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Duration timeout;

    public ReservationService(final ActorSystem<?> system, final Duration timeout)
    {
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.timeout = timeout;
    }

    public CompletionStage<Reservations.OutReply> out(final long volumeId, final PrOut request)
    {
        return sharding.entityRefFor(Reservations.ENTITY_TYPE_KEY, Reservations.entityId(volumeId))
            .ask(replyTo -> new Reservations.Out(request, replyTo), timeout);
    }

    public CompletionStage<ReservationState> current(final long volumeId)
    {
        return sharding.entityRefFor(Reservations.ENTITY_TYPE_KEY, Reservations.entityId(volumeId))
            .<Reservations.Current>ask(Reservations.Get::new, timeout)
            .thenApply(Reservations.Current::state);
    }

    /**
     * Completes with the number of nodes whose view enforces {@code version} of the volume's reservations,
     * once every view the receptionist knows has said so, or with the number that had when {@code timeout}
     * ran out (a node that cannot answer is gone or cut off; the cluster downs it).
     */
    public CompletionStage<Integer> enforcedEverywhere(final long volumeId, final long version)
    {
        return everyView(view -> AskPattern.<ReservationView.Command, ReservationView.Applied>ask(view,
            replyTo -> new ReservationView.AwaitVersion(volumeId, version, replyTo), timeout, system.scheduler()));
    }

    /** Has every node queue a unit attention for its sessions of the volume; completes with how many nodes did. */
    public CompletionStage<Integer> unitAttentionEverywhere(final long volumeId, final int ascq)
    {
        return everyView(view -> AskPattern.<ReservationView.Command, ReservationView.Applied>ask(view,
            replyTo -> new ReservationView.UnitAttention(volumeId, ascq, replyTo), timeout, system.scheduler()));
    }

    private CompletionStage<Integer> everyView(
        final java.util.function.Function<ActorRef<ReservationView.Command>, CompletionStage<ReservationView.Applied>> ask)
    {
        final CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
            replyTo -> Receptionist.find(ReservationView.KEY, replyTo), timeout, system.scheduler());
        return listing.thenCompose(found ->
        {
            final Set<ActorRef<ReservationView.Command>> views = found.getServiceInstances(ReservationView.KEY);
            final List<CompletableFuture<Boolean>> answers = new ArrayList<>();
            for (final ActorRef<ReservationView.Command> view : views)
            {
                answers.add(ask.apply(view).toCompletableFuture().handle((applied, failure) -> failure == null));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(all -> (int)answers.stream().filter(CompletableFuture::join).count());
        });
    }
}
