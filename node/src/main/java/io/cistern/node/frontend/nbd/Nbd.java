package io.cistern.node.frontend.nbd;

/**
 * Numbers of the NBD protocol, as NetworkBlockDevice/nbd {@code doc/proto.md} defines them. Each group
 * names the section it comes from. Only the fixed newstyle handshake and simple replies are spoken.
 */
public final class Nbd
{
    private Nbd()
    {
    }

    // "Newstyle negotiation"
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    public static final long IHAVEOPT = 0x49484156454F5054L;
    public static final long REPLY_MAGIC = 0x3e889045565a9L;

    // "Handshake flags" (server) and "Client flags"
    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 1 << 1;
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    public static final int FLAG_C_NO_ZEROES = 1 << 1;

    // "Option types"
    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;

    // "Option reply types"
    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    public static final int REP_ERR_UNSUP = 1 | 1 << 31;
    public static final int REP_ERR_POLICY = 2 | 1 << 31;
    public static final int REP_ERR_INVALID = 3 | 1 << 31;
    public static final int REP_ERR_UNKNOWN = 6 | 1 << 31;
    public static final int REP_ERR_TOO_BIG = 9 | 1 << 31;

    // "Information types" (NBD_OPT_INFO / NBD_OPT_GO)
    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_DESCRIPTION = 2;
    public static final int INFO_BLOCK_SIZE = 3;

    // "Transmission flags"
    public static final int TFLAG_HAS_FLAGS = 1;
    public static final int TFLAG_SEND_FLUSH = 1 << 2;
    public static final int TFLAG_SEND_FUA = 1 << 3;
    public static final int TFLAG_SEND_TRIM = 1 << 5;
    public static final int TFLAG_SEND_WRITE_ZEROES = 1 << 6;
    public static final int TFLAG_CAN_MULTI_CONN = 1 << 8;

    // "Request message" and "Simple reply message"
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    public static final int REQUEST_HEADER = 28;
    public static final int SIMPLE_REPLY_HEADER = 16;

    // "Command flags"
    public static final int CMD_FLAG_FUA = 1;
    public static final int CMD_FLAG_NO_HOLE = 1 << 1;

    // "Request types"
    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_WRITE_ZEROES = 6;

    // "Error values"
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;
    public static final int ESHUTDOWN = 108;

    /** Largest request payload the server accepts (advertised as the maximum block size); one data-plane frame. */
    public static final int MAX_PAYLOAD = 1 << 20;

    /** Requests of one connection served at the same time. */
    public static final int MAX_IN_FLIGHT = 32;
}
