package io.cistern.node.cli;

/** A command that cannot do what was asked; its message is printed as is, and the command exits 1. */
final class CliException extends RuntimeException
{
    CliException(final String message)
    {
        super(message);
    }
}
