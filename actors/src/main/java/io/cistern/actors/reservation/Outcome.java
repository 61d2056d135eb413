package io.cistern.actors.reservation;

/** What a PERSISTENT RESERVE OUT came to, in SCSI's terms (the logical unit maps each to a status and sense). */
public enum Outcome
{
    GOOD,
    RESERVATION_CONFLICT,
    INVALID_FIELD_IN_CDB,
    INVALID_FIELD_IN_PARAMETER_LIST,
    INVALID_RELEASE_OF_PERSISTENT_RESERVATION
}
