package io.cistern.node.api;

import io.cistern.actors.volume.VolumeException;

import java.util.Optional;

/**
 * Which slabs {@code GET /api/v1/volumes/NAME} lists: {@code ?slabs=FROM-TO} (indexes, inclusive),
 * {@code ?slabs=all} or {@code ?slabs=none}; without it the first {@value #DEFAULT_COUNT}. A volume of a
 * 4 PB pool has millions of slabs: listing every one by default made a single answer hundreds of MB.
 * The counts (slabs placed, extents by state and node) always cover the whole volume.
 */
record SlabRange(int from, int to)
{
    static final int DEFAULT_COUNT = 1024;
    static final SlabRange DEFAULT = new SlabRange(0, DEFAULT_COUNT - 1);
    static final SlabRange ALL = new SlabRange(0, Integer.MAX_VALUE);
    static final SlabRange NONE = new SlabRange(0, -1);

    boolean contains(final int index)
    {
        return index >= from && index <= to;
    }

    static SlabRange parse(final Optional<String> parameter)
    {
        if (parameter.isEmpty())
        {
            return DEFAULT;
        }
        final String text = parameter.get().trim();
        if (text.equals("all"))
        {
            return ALL;
        }
        if (text.equals("none"))
        {
            return NONE;
        }
        final int dash = text.indexOf('-');
        try
        {
            final int from = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
            final int to = dash < 0 ? from : Integer.parseInt(text.substring(dash + 1));
            if (from >= 0 && to >= from)
            {
                return new SlabRange(from, to);
            }
        }
        catch (final NumberFormatException ex)
        {
            // said below
        }
        throw new VolumeException(VolumeException.Kind.BAD_REQUEST,
            "slabs=" + text + ": give FROM-TO (slab indexes, FROM <= TO), one index, all or none");
    }
}
