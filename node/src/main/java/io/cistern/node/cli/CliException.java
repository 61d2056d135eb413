package io.cistern.node.cli;

/**
 * A command that cannot do what was asked; its message is printed as is. The kind says whose the fault
 * is, and so the exit code a script sees: {@link Cistern#CLUSTER_ERROR} for the cluster's (no node
 * answers, a node failed, an answer came too late), {@link Cistern#USER_ERROR} for the request's (a
 * value that is not one, a folder with no cluster, a request the API refused as wrong).
 */
class CliException extends RuntimeException
{
    CliException(final String message)
    {
        super(message);
    }

    /** The exit code of a command that ends with this exception. */
    int exitCode()
    {
        return Cistern.CLUSTER_ERROR;
    }

    /**
     * The request was wrong, and nothing was done: the command line asked for something not possible or
     * not valid, or the API refused the request as wrong (a 4xx answer).
     */
    static final class Usage extends CliException
    {
        Usage(final String message)
        {
            super(message);
        }

        @Override
        int exitCode()
        {
            return Cistern.USER_ERROR;
        }
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
