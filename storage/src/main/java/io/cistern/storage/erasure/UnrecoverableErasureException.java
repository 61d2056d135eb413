package io.cistern.storage.erasure;

/**
 * The lost columns are more than the code can rebuild. Ask {@link ErasureCode#plan(int)} first to learn
 * that as a value; this is thrown only when a caller asks to rebuild anyway, instead of writing bytes
 * that would look like data.
 */
public final class UnrecoverableErasureException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    public UnrecoverableErasureException(final String message)
    {
        super(message);
    }
}
