package io.cistern.node.frontend.iscsi;

/**
 * iSCSI's numbers (RFC 7143): opcodes, header flags, login status, reject reasons, task management
 * functions and responses, and the limits this target negotiates.
 */
final class Iscsi
{
    /** The basic header segment every PDU starts with. */
    static final int BHS = 48;
    /** The name prefix of every Cistern target: the volume's name follows (section 4.2.7.2, type "iqn."). */
    static final String IQN_PREFIX = "iqn.2026-11.io.cistern:";
    static final int RESERVED_TAG = 0xffff_ffff;

    // Initiator opcodes.
    static final int NOP_OUT = 0x00;
    static final int SCSI_COMMAND = 0x01;
    static final int TASK_MANAGEMENT = 0x02;
    static final int LOGIN_REQUEST = 0x03;
    static final int TEXT_REQUEST = 0x04;
    static final int DATA_OUT = 0x05;
    static final int LOGOUT_REQUEST = 0x06;
    static final int SNACK = 0x10;
    // Target opcodes.
    static final int NOP_IN = 0x20;
    static final int SCSI_RESPONSE = 0x21;
    static final int TASK_MANAGEMENT_RESPONSE = 0x22;
    static final int LOGIN_RESPONSE = 0x23;
    static final int TEXT_RESPONSE = 0x24;
    static final int DATA_IN = 0x25;
    static final int LOGOUT_RESPONSE = 0x26;
    static final int R2T = 0x31;
    static final int REJECT = 0x3f;

    static final int IMMEDIATE = 0x40;
    static final int FINAL = 0x80;
    static final int CONTINUE = 0x40;
    // SCSI Command flags.
    static final int READ = 0x40;
    static final int WRITE = 0x20;
    // Data-In and SCSI Response flags.
    static final int ACKNOWLEDGE = 0x40;
    static final int OVERFLOW = 0x04;
    static final int UNDERFLOW = 0x02;
    static final int STATUS = 0x01;

    // Login stages.
    static final int SECURITY = 0;
    static final int OPERATIONAL = 1;
    static final int FULL_FEATURE = 3;

    // Login status, class << 8 | detail (section 11.13.5).
    static final int LOGIN_SUCCESS = 0x0000;
    static final int LOGIN_AUTHENTICATION_FAILED = 0x0201;
    static final int LOGIN_AUTHORIZATION_FAILED = 0x0202;
    static final int LOGIN_NOT_FOUND = 0x0203;
    static final int LOGIN_UNSUPPORTED_VERSION = 0x0205;
    static final int LOGIN_MISSING_PARAMETER = 0x0207;
    static final int LOGIN_SESSION_DOES_NOT_EXIST = 0x020a;
    static final int LOGIN_INVALID_DURING_LOGIN = 0x020b;
    static final int LOGIN_INITIATOR_ERROR = 0x0200;
    static final int LOGIN_SERVICE_UNAVAILABLE = 0x0301;

    // Reject reasons (section 11.17.1).
    static final int REJECT_PROTOCOL_ERROR = 0x04;
    static final int REJECT_COMMAND_NOT_SUPPORTED = 0x05;
    static final int REJECT_INVALID_PDU_FIELD = 0x09;

    // Task management functions and responses (sections 11.5.1, 11.6.1).
    static final int TMF_ABORT_TASK = 1;
    static final int TMF_ABORT_TASK_SET = 2;
    static final int TMF_CLEAR_ACA = 3;
    static final int TMF_CLEAR_TASK_SET = 4;
    static final int TMF_LOGICAL_UNIT_RESET = 5;
    static final int TMF_TARGET_WARM_RESET = 6;
    static final int TMF_TARGET_COLD_RESET = 7;
    static final int TMF_COMPLETE = 0;
    static final int TMF_NO_TASK = 1;
    static final int TMF_NO_LUN = 2;
    static final int TMF_NOT_SUPPORTED = 5;

    /** Commands the target takes at once per session: the CmdSN window, and the slots that serve them. */
    static final int QUEUE_DEPTH = 16;
    /** The largest data segment this target receives (it declares MaxRecvDataSegmentLength so). */
    static final int MAX_RECV_DATA_SEGMENT = 256 * 1024;
    /** Login and text key-value data gathered over continued PDUs, at most. */
    static final int MAX_TEXT = 64 * 1024;

    private Iscsi()
    {
    }

    /** The target name of a volume. iSCSI names are lower case (section 4.2.7.1). */
    static String targetName(final String volume)
    {
        return IQN_PREFIX + volume.toLowerCase(java.util.Locale.ROOT);
    }
}
