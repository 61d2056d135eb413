package io.cistern.node.cli;

/** A command that cannot do what was asked; its message is printed as is, and the command exits 1. */
class CliException extends RuntimeException
{
    CliException(final String message)
    {
        super(message);
    }

    /** The API did not answer in time: the operation may still be under way in the cluster. */
    static final class TimedOut extends CliException
    {
        TimedOut(final String message)
        {
            super(message);
        }
    }
}
