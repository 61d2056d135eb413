package io.cistern.actors.placement;

import java.util.Locale;

/** How a volume survives failures: how many copies of each slab it keeps. */
public enum Resiliency
{
    MIRROR_2("mirror-2", 2),
    MIRROR_3("mirror-3", 3);

    private final String label;
    private final int copies;

    Resiliency(final String label, final int copies)
    {
        this.label = label;
        this.copies = copies;
    }

    public String label()
    {
        return label;
    }

    public int copies()
    {
        return copies;
    }

    /** @throws IllegalArgumentException naming the accepted values. */
    public static Resiliency parse(final String text)
    {
        for (final Resiliency r : values())
        {
            if (r.label.equals(text.trim().toLowerCase(Locale.ROOT)))
            {
                return r;
            }
        }
        throw new IllegalArgumentException("resiliency '" + text + "' is not one of mirror-2, mirror-3");
    }
}
