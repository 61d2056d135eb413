package io.cistern.actors.reservation;

import io.cistern.actors.serialization.CisternSerializable;

/** A registered I_T nexus (or initiator port, for every target port) and its reservation key. */
public record Registration(Nexus nexus, long key) implements CisternSerializable
{
}
