package io.cistern.storage;

/**
 * An extent file that cannot be used as it is, or cannot be made: the message says which file, what
 * was found and why it is refused. Refused files are left untouched; they may hold the only copy.
 */
public final class ExtentException extends RuntimeException
{
    public ExtentException(final String message)
    {
        super(message);
    }
}
