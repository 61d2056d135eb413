package io.cistern.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/**
 * {@code cistern help [COMMAND [SUBCOMMAND...]]}: the usage of the command the words name, however deep
 * ({@code cistern help node add} is {@code node add}'s help). Picocli's own help command reads only the
 * first word, and so answered {@code help node add} with {@code node}'s help.
 */
@Command(name = "help", helpCommand = true,
    description = "Show the help of a command: cistern help volume create (the same as cistern volume create --help).")
final class HelpCommand implements Runnable, CommandLine.IHelpCommandInitializable2
{
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, and its subcommands, to show the help of.")
    String[] words = {};

    private CommandLine self;
    private PrintWriter out;
    private CommandLine.Help.ColorScheme colors;

    @Override
    public void init(final CommandLine helpCommandLine, final CommandLine.Help.ColorScheme colorScheme, final PrintWriter out,
        final PrintWriter err)
    {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run()
    {
        CommandLine command = self.getParent();
        final StringBuilder path = new StringBuilder(command.getCommandName());
        for (final String word : words)
        {
            final CommandLine sub = command.getSubcommands().get(word);
            if (sub == null)
            {
                throw new CommandLine.ParameterException(self, "`" + path + "` has no subcommand '" + word + "'" +
                    (command.getSubcommands().isEmpty() ? "" : "; it has: " + String.join(", ", command.getSubcommands().keySet())));
            }
            command = sub;
            path.append(' ').append(word);
        }
        command.usage(out, colors);
    }
}
