package io.cistern.actors.drive;

/** Health of a drive as an administrator reads it (the states of Storage Spaces Direct's physical disks). */
public enum DriveHealth
{
    /** Registered by its node, which is a member of the cluster. */
    HEALTHY,
    /** Working, but something needs attention (e.g. checksum failures below the failure threshold). */
    WARNING,
    /** Failed-stop after I/O errors: receives no writes, its extents are rebuilt elsewhere. */
    UNHEALTHY,
    /** Its node left the cluster or was downed: the drive may be fine, but nobody can reach it. */
    LOST_COMMUNICATION,
    /** Taken out of the pool by an administrator or after being lost too long. */
    RETIRED
}
