package io.cistern.node.process;

import io.cistern.actors.node.NodeGuardian;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Pekko Management readiness check ({@code /ready}): the node is ready when sharding has started and
 * every local drive is registered and pinned. Membership Up is Pekko's own check, beside this one.
 */
public final class DrivesReadyCheck implements Supplier<CompletionStage<Boolean>>
{
    private final org.apache.pekko.actor.typed.ActorSystem<NodeGuardian.Command> guardian;

    public DrivesReadyCheck(final ActorSystem system)
    {
        this.guardian = Guardian.of(system);
    }

    @Override
    public CompletionStage<Boolean> get()
    {
        return AskPattern.ask(guardian, NodeGuardian.GetReadiness::new, Duration.ofSeconds(1), guardian.scheduler())
            .thenApply(NodeGuardian.Readiness::ready);
    }
}
