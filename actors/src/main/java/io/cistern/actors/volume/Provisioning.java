package io.cistern.actors.volume;

import java.util.Locale;

/** When a volume's extents are allocated. */
public enum Provisioning
{
    /** At the first write to each slab: the pool holds only what was written. */
    THIN,
    /** All at creation, refused if the pool lacks room: the volume can never run out. */
    FIXED;

    /** @throws IllegalArgumentException naming the accepted values. */
    public static Provisioning parse(final String text)
    {
        try
        {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("provisioning '" + text + "' is not one of thin, fixed");
        }
    }
}
