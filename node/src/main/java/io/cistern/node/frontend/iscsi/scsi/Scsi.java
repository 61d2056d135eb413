package io.cistern.node.frontend.iscsi.scsi;

/**
 * The numbers of SCSI's command sets that a block target answers with: operation codes (SPC-4, SBC-3),
 * status codes (SAM-5), sense keys and additional sense codes (SPC-4 annex D).
 */
public final class Scsi
{
    /** Cistern's logical blocks: 512 bytes, eight to a 4 KiB physical block (what its checksums cover). */
    public static final int BLOCK = 512;
    public static final int BLOCK_SHIFT = 9;
    public static final int BLOCKS_PER_PHYSICAL_EXPONENT = 3;
    /** The largest transfer one command may ask for (the block limits page says so): 1 MiB. */
    public static final int MAX_TRANSFER_BYTES = 1 << 20;
    public static final int MAX_TRANSFER_BLOCKS = MAX_TRANSFER_BYTES / BLOCK;

    // Operation codes.
    public static final int TEST_UNIT_READY = 0x00;
    public static final int REQUEST_SENSE = 0x03;
    public static final int READ_6 = 0x08;
    public static final int WRITE_6 = 0x0a;
    public static final int INQUIRY = 0x12;
    public static final int MODE_SELECT_6 = 0x15;
    public static final int RESERVE_6 = 0x16;
    public static final int RELEASE_6 = 0x17;
    public static final int MODE_SENSE_6 = 0x1a;
    public static final int START_STOP_UNIT = 0x1b;
    public static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1e;
    public static final int READ_CAPACITY_10 = 0x25;
    public static final int READ_10 = 0x28;
    public static final int WRITE_10 = 0x2a;
    public static final int WRITE_AND_VERIFY_10 = 0x2e;
    public static final int VERIFY_10 = 0x2f;
    public static final int PRE_FETCH_10 = 0x34;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int WRITE_SAME_10 = 0x41;
    public static final int UNMAP = 0x42;
    public static final int MODE_SELECT_10 = 0x55;
    public static final int MODE_SENSE_10 = 0x5a;
    public static final int PERSISTENT_RESERVE_IN = 0x5e;
    public static final int PERSISTENT_RESERVE_OUT = 0x5f;
    public static final int READ_16 = 0x88;
    public static final int COMPARE_AND_WRITE = 0x89;
    public static final int WRITE_16 = 0x8a;
    public static final int WRITE_AND_VERIFY_16 = 0x8e;
    public static final int VERIFY_16 = 0x8f;
    public static final int PRE_FETCH_16 = 0x90;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int WRITE_SAME_16 = 0x93;
    public static final int SERVICE_ACTION_IN_16 = 0x9e;
    public static final int REPORT_LUNS = 0xa0;
    public static final int MAINTENANCE_IN = 0xa3;
    public static final int READ_12 = 0xa8;
    public static final int WRITE_12 = 0xaa;
    public static final int WRITE_AND_VERIFY_12 = 0xae;
    public static final int VERIFY_12 = 0xaf;

    // Service actions.
    public static final int SA_READ_CAPACITY_16 = 0x10;
    public static final int SA_GET_LBA_STATUS = 0x12;
    public static final int SA_REPORT_SUPPORTED_OPERATION_CODES = 0x0c;

    // Status codes.
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;

    // Sense keys.
    public static final int NO_SENSE = 0x0;
    public static final int NOT_READY = 0x2;
    public static final int MEDIUM_ERROR = 0x3;
    public static final int HARDWARE_ERROR = 0x4;
    public static final int ILLEGAL_REQUEST = 0x5;
    public static final int UNIT_ATTENTION = 0x6;
    public static final int DATA_PROTECT = 0x7;
    public static final int ABORTED_COMMAND = 0xb;
    public static final int MISCOMPARE = 0xe;

    // Additional sense code and qualifier, as ASC << 8 | ASCQ.
    public static final int ASC_NONE = 0x0000;
    public static final int ASC_LUN_NOT_ACCESSIBLE_TRANSITIONING = 0x040a;
    public static final int ASC_WRITE_ERROR = 0x0c00;
    public static final int ASC_INVALID_FIELD_IN_INFORMATION_UNIT = 0x0e03;
    public static final int ASC_UNRECOVERED_READ_ERROR = 0x1100;
    public static final int ASC_MISCOMPARE_DURING_VERIFY = 0x1d00;
    public static final int ASC_PARAMETER_LIST_LENGTH_ERROR = 0x1a00;
    public static final int ASC_INVALID_COMMAND_OPERATION_CODE = 0x2000;
    public static final int ASC_LBA_OUT_OF_RANGE = 0x2100;
    public static final int ASC_INVALID_FIELD_IN_CDB = 0x2400;
    public static final int ASC_LOGICAL_UNIT_NOT_SUPPORTED = 0x2500;
    public static final int ASC_INVALID_FIELD_IN_PARAMETER_LIST = 0x2600;
    public static final int ASC_WRITE_PROTECTED = 0x2700;
    public static final int ASC_SPACE_ALLOCATION_FAILED_WRITE_PROTECT = 0x2707;
    public static final int ASC_POWER_ON_RESET = 0x2900;
    public static final int ASC_CAPACITY_DATA_HAS_CHANGED = 0x2a09;
    public static final int ASC_SAVING_PARAMETERS_NOT_SUPPORTED = 0x3900;
    public static final int ASC_INTERNAL_TARGET_FAILURE = 0x4400;
    public static final int ASC_LOGICAL_UNIT_FAILURE = 0x3e01;
    public static final int ASC_DATA_PHASE_ERROR = 0x4b00;

    private Scsi()
    {
    }
}
