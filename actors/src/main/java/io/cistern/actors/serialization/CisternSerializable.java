package io.cistern.actors.serialization;

/**
 * Marks every message, event and state that crosses a node boundary or goes into the journal.
 * Bound to {@link KryoSerializer} in {@code reference.conf}; the concrete class must also have an id
 * in {@link KryoRegistry}, or serialization fails loudly instead of falling back to Java serialization.
 */
public interface CisternSerializable
{
}
