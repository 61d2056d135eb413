package io.cistern.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cistern}: the one command of the product. Runs a node ({@code cistern node --config FILE}),
 * manages a local multi-JVM cluster ({@code up}, {@code down}, {@code node start}, {@code status}) and
 * talks to any cluster's HTTP API ({@code pool}, {@code drive list}).
 */
@Command(
    name = "cistern",
    mixinStandardHelpOptions = true,
    version = "cistern 0.1.0",
    description = "Software-defined storage cluster: pools the drives of several nodes into one fault-tolerant pool.",
    subcommands = {
        UpCommand.class,
        DownCommand.class,
        StatusCommand.class,
        NodeCommand.class,
        PoolCommand.class,
        DriveCommand.class,
        FaultCommand.class,
        VolumeCommand.class,
        JobCommand.class,
        JournalCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Cistern implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine()
    {
        return new CommandLine(new Cistern())
            .setExecutionExceptionHandler((ex, cmd, parsed) ->
            {
                if (ex instanceof CliException)
                {
                    cmd.getErr().println("cistern: " + ex.getMessage());
                    return 1;
                }
                throw ex;
            });
    }

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (cistern help)");
    }
}
