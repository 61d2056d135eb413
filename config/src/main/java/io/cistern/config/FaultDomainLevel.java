package io.cistern.config;

/** What counts as one fault domain when copies of a slab are spread. */
public enum FaultDomainLevel
{
    /** Copies on different nodes (their configured fault domain): survives the loss of a node. */
    NODE,
    /** Copies on different drives, possibly of one node: survives a drive, not a node. */
    DRIVE
}
