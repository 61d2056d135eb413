package io.cistern.transport;

import io.cistern.config.AeronSettings.IdleStrategyName;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

/**
 * Runs a data-plane agent ({@link DataServer}, {@link DataClient}) on its own thread with the configured
 * idle strategy, so its duty cycle backs off when there is no work instead of taking a core.
 * <p>
 * The thread is named after the agent's role and is a daemon, so a node that forgets to close a runner
 * still exits. Close the returned runner to stop the thread; the runner then closes the agent, which
 * releases its Aeron resources. Close runners before the Aeron client and media driver they use.
 */
public final class DataAgents
{
    private DataAgents()
    {
    }

    /**
     * @param errorHandler told of any exception that escapes the agent's duty cycle (the runner keeps going).
     * @return the started runner.
     */
    public static AgentRunner start(final Agent agent, final IdleStrategyName idleStrategy, final ErrorHandler errorHandler)
    {
        final AgentRunner runner = new AgentRunner(IdleStrategies.of(idleStrategy), errorHandler, null, agent);
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, agent.roleName());
            thread.setDaemon(true);
            return thread;
        });
        return runner;
    }
}
