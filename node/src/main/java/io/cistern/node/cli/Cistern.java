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
    // Every command and subcommand answers --help and --version, not only the top one.
    scope = CommandLine.ScopeType.INHERIT,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done",
        "1:the cluster could not do it: no node answers, a node failed, an answer came too late, or (status) a node is down",
        "2:the request was wrong: a bad option or value, a folder with no cluster, a request the API refused"},
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
        PerfCommand.class,
        VolumeCommand.class,
        QosCommand.class,
        JobCommand.class,
        JournalCommand.class,
        HelpCommand.class
    })
public final class Cistern implements Runnable
{
    /** The exit code of a command the cluster could not carry out. */
    static final int CLUSTER_ERROR = 1;

    /** The exit code of a command that was wrong: picocli's own code for a usage error. */
    static final int USER_ERROR = CommandLine.ExitCode.USAGE;

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
                if (ex instanceof CliException cli)
                {
                    cmd.getErr().println("cistern: " + ex.getMessage());
                    return cli.exitCode();
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
