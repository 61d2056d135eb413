package io.cistern.node.frontend.iscsi.scsi;

/** Big-endian fields of a CDB or a parameter list, as SCSI lays them out. */
final class Cdb
{
    private Cdb()
    {
    }

    static int u8(final byte[] b, final int at)
    {
        return b[at] & 0xff;
    }

    static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    static long u32(final byte[] b, final int at)
    {
        return ((long)(b[at] & 0xff) << 24) | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    static long u64(final byte[] b, final int at)
    {
        return u32(b, at) << 32 | u32(b, at + 4);
    }

    /** The length of a CDB by its operation code's group (SPC-4 4.2.5.1), or 16 for the groups Cistern does not use. */
    static int length(final int opcode)
    {
        return switch (opcode >>> 5)
        {
            case 0 -> 6;
            case 1, 2 -> 10;
            case 4 -> 16;
            case 5 -> 12;
            default -> 16;
        };
    }
}
