package io.cistern.node.frontend.iscsi.scsi;

import java.nio.ByteBuffer;

/**
 * MODE SENSE's answers (SPC-4 6.11, 7.5; SBC-3 6.4): the header, the block descriptor and the pages an
 * initiator reads to learn how to drive a disk: caching (a volume has a write cache in the sense that a
 * write without FUA is durable only after SYNCHRONIZE CACHE), control and informational exceptions.
 * No page is changeable: MODE SELECT is not supported.
 */
final class ModePages
{
    static final int CACHING = 0x08;
    static final int CONTROL = 0x0a;
    static final int INFORMATIONAL_EXCEPTIONS = 0x1c;
    static final int ALL = 0x3f;
    static final int PC_CURRENT = 0;
    static final int PC_CHANGEABLE = 1;
    static final int PC_DEFAULT = 2;

    private ModePages()
    {
    }

    static boolean has(final int page)
    {
        return page == CACHING || page == CONTROL || page == INFORMATIONAL_EXCEPTIONS || page == ALL;
    }

    /**
     * Writes the mode parameter header, a block descriptor unless {@code dbd}, and the page(s) asked for.
     * Returns the number of bytes written.
     */
    static int write(final ByteBuffer out, final boolean ten, final boolean dbd, final int pc, final int page,
                     final long blocks)
    {
        final int start = out.position();
        final int header = ten ? 8 : 4;
        for (int i = 0; i < header; i++)
        {
            out.put((byte)0);
        }
        out.put(start + (ten ? 3 : 2), (byte)0x10); // device-specific: DPOFUA, not write-protected
        if (!dbd)
        {
            out.putInt((int)Math.min(blocks, 0xffff_ffffL));
            out.put((byte)0);
            out.put((byte)0).putShort((short)Scsi.BLOCK); // block length, 3 bytes
            if (ten)
            {
                out.putShort(start + 6, (short)8);
            }
            else
            {
                out.put(start + 3, (byte)8);
            }
        }
        final boolean changeable = pc == PC_CHANGEABLE;
        if (page == CACHING || page == ALL)
        {
            out.put((byte)CACHING).put((byte)0x12);
            out.put((byte)(changeable ? 0 : 0x04)); // WCE
            pad(out, 17);
        }
        if (page == CONTROL || page == ALL)
        {
            out.put((byte)CONTROL).put((byte)0x0a);
            out.put((byte)0); // TST 0, D_SENSE 0: fixed-format sense
            out.put((byte)(changeable ? 0 : 0x10)); // queue algorithm modifier 1: unrestricted reordering
            out.put((byte)0).put((byte)0);
            out.putShort((short)(changeable ? 0 : 0xffff)); // busy timeout period: unlimited
            out.putShort((short)0);
            pad(out, 2);
        }
        if (page == INFORMATIONAL_EXCEPTIONS || page == ALL)
        {
            out.put((byte)INFORMATIONAL_EXCEPTIONS).put((byte)0x0a);
            pad(out, 10);
        }
        final int length = out.position() - start;
        if (ten)
        {
            out.putShort(start, (short)(length - 2));
        }
        else
        {
            out.put(start, (byte)(length - 1));
        }
        return length;
    }

    private static void pad(final ByteBuffer out, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            out.put((byte)0);
        }
    }
}
