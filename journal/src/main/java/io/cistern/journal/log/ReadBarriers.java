package io.cistern.journal.log;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Read barriers: a member's way to know its copy of the journal holds everything committed before a
 * read began. The leader answers a linearizable read with the index it has applied, and this member waits
 * until it has applied that far ({@link JournalStateMachine#applied}); the same on voters and listeners.
 * <p>
 * Callers that arrive while a barrier is out share the next one: each joined before it was sent, so it
 * covers them, and a burst of entity recoveries costs a round trip, not one each. While there is no leader
 * (an election) the barrier is asked again every 100 ms for up to {@link #PATIENCE_MS}.
 */
final class ReadBarriers
{
    /** How long a read waits for the journal to have a leader again. */
    static final long PATIENCE_MS = 20_000;
    private static final Message BARRIER = Message.valueOf("barrier");

    private final RaftClient reader;
    private final JournalStateMachine stateMachine;
    private final BooleanSupplier closed;
    /** The barrier callers join; sent when none is out. Guarded by {@code this}. */
    private CompletableFuture<Void> next;
    private boolean out;

    ReadBarriers(final RaftClient reader, final JournalStateMachine stateMachine, final BooleanSupplier closed)
    {
        this.reader = reader;
        this.stateMachine = stateMachine;
        this.closed = closed;
    }

    synchronized CompletableFuture<Void> caughtUp()
    {
        if (next == null)
        {
            next = new CompletableFuture<>();
        }
        final CompletableFuture<Void> mine = next;
        if (!out)
        {
            send();
        }
        return mine;
    }

    /** Sends the barrier the waiting callers joined. Holds the lock. */
    private void send()
    {
        final CompletableFuture<Void> batch = next;
        next = null;
        out = true;
        batch.whenComplete((done, failure) ->
        {
            synchronized (this)
            {
                out = false;
                if (next != null)
                {
                    send();
                }
            }
        });
        ask(batch, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS));
    }

    private void ask(final CompletableFuture<Void> done, final long deadlineNs)
    {
        reader.async().sendReadOnlyUnordered(BARRIER).whenComplete((reply, failure) ->
        {
            final Throwable why = failure != null ? failure : reply.isSuccess() ? null : reply.getException();
            if (why == null)
            {
                final long index = reply.getMessage().getContent().asReadOnlyByteBuffer().getLong();
                stateMachine.applied(index).whenComplete((applied, never) -> done.complete(null));
            }
            else if (System.nanoTime() - deadlineNs < 0 && !closed.getAsBoolean())
            {
                CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> ask(done, deadlineNs));
            }
            else
            {
                done.completeExceptionally(why);
            }
        });
    }
}
