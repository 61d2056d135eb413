package io.cistern.actors.volume;

/** A volume request that cannot be done, with what kind of problem it is (the API maps it to an HTTP status). */
public final class VolumeException extends RuntimeException
{
    public enum Kind
    {
        BAD_REQUEST,
        NOT_FOUND,
        CONFLICT,
        INSUFFICIENT_CAPACITY,
        UNAVAILABLE
    }

    private final Kind kind;

    public VolumeException(final Kind kind, final String message)
    {
        super(message);
        this.kind = kind;
    }

    public Kind kind()
    {
        return kind;
    }
}
