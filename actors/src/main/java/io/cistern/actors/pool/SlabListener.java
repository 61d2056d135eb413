package io.cistern.actors.pool;

import io.cistern.actors.volume.SlabLayout;

/**
 * Told by the pool view about every slab layout it learns, in journal order: how the data plane,
 * which never asks actors on the I/O path, learns layouts and epochs. Called on the view's actor
 * thread; an implementation must be quick and thread-safe towards its readers.
 */
public interface SlabListener
{
    SlabListener NONE = new SlabListener()
    {
        @Override
        public void placed(final SlabLayout layout)
        {
        }

        @Override
        public void freed(final long volumeId, final int index)
        {
        }
    };

    void placed(SlabLayout layout);

    void freed(long volumeId, int index);

    /** A volume was deleted: its clients' I/O fails from now on, whatever layouts they still hold. */
    default void volumeDeleted(final long volumeId)
    {
    }

    /** The pool view's layouts, as a catch-up left them. */
    interface Layouts
    {
        /** The slab's layout if it is placed, else null. */
        SlabLayout placed(long volumeId, int index);
    }

    /**
     * The pool view has folded every event the journal had when a catch-up ({@link PoolView.CatchUp}) began:
     * {@code layouts} is the journal's word on every slab as of then. Called on the view's actor thread.
     *
     * @param token the greatest token of the catch-ups asked before the read began.
     */
    default void caughtUp(final Layouts layouts, final long token)
    {
    }

    /** A volume grew: its open sessions see the new size from now on. */
    default void volumeResized(final long volumeId, final long sizeBytes)
    {
    }
}
