package io.cistern.storage;

/** A drive that cannot be used as it is: the message says which drive, what was found and why it is refused. */
public final class DriveException extends RuntimeException
{
    public DriveException(final String message)
    {
        super(message);
    }
}
