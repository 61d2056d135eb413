package io.cistern.node.frontend.iscsi.scsi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * INQUIRY's answers (SPC-4 6.6, SBC-3 6.5): the standard data and the vital product data pages a block
 * target needs to be a well-behaved multipath disk: its identifiers, block limits, characteristics and
 * logical block provisioning.
 */
final class Inquiry
{
    static final int PAGE_SUPPORTED = 0x00;
    static final int PAGE_SERIAL = 0x80;
    static final int PAGE_IDENTIFICATION = 0x83;
    static final int PAGE_BLOCK_LIMITS = 0xb0;
    static final int PAGE_CHARACTERISTICS = 0xb1;
    static final int PAGE_PROVISIONING = 0xb2;
    private static final int[] PAGES = {PAGE_SUPPORTED, PAGE_SERIAL, PAGE_IDENTIFICATION, PAGE_BLOCK_LIMITS,
        PAGE_CHARACTERISTICS, PAGE_PROVISIONING};

    /** Blocks one UNMAP or WRITE SAME may cover (512 MiB) and the descriptors one UNMAP may carry. */
    static final int MAX_UNMAP_BLOCKS = 1 << 20;
    static final int MAX_UNMAP_DESCRIPTORS = 256;
    static final int MAX_WRITE_SAME_BLOCKS = MAX_UNMAP_BLOCKS;
    /** Blocks one COMPARE AND WRITE may cover. */
    static final int MAX_COMPARE_AND_WRITE_BLOCKS = 255;

    private Inquiry()
    {
    }

    /** The standard INQUIRY data of a direct-access block device (96 bytes). */
    static void standard(final ByteBuffer out, final boolean lunExists)
    {
        final int start = out.position();
        out.put((byte)(lunExists ? 0x00 : 0x7f)); // peripheral qualifier 0 / 3, direct-access block device
        out.put((byte)0); // not removable
        out.put((byte)0x06); // SPC-4
        out.put((byte)0x12); // HiSup, response data format 2
        out.put((byte)(96 - 5)); // additional length
        out.put((byte)0x00); // SCCS, ACC, TPGS, 3PC, PROTECT: none
        out.put((byte)0x00); // ENCSERV, MULTIP, ADDR16
        out.put((byte)0x02); // CMDQUE: tagged command queueing
        ascii(out, "CISTERN", 8);
        ascii(out, "VOLUME", 16);
        ascii(out, "0001", 4);
        while (out.position() < start + 58)
        {
            out.put((byte)0);
        }
        // Version descriptors: SAM-5, SPC-4, SBC-3, iSCSI.
        out.putShort((short)0x00a0).putShort((short)0x0460).putShort((short)0x04c0).putShort((short)0x0960);
        while (out.position() < start + 96)
        {
            out.put((byte)0);
        }
    }

    /** Whether {@code page} is a page this unit has. */
    static boolean has(final int page)
    {
        for (final int p : PAGES)
        {
            if (p == page)
            {
                return true;
            }
        }
        return false;
    }

    /** Writes VPD page {@code page} (one {@link #has} said exists). */
    static void page(final ByteBuffer out, final int page, final UnitIdentity identity)
    {
        final int start = out.position();
        out.put((byte)0x00).put((byte)page).putShort((short)0); // page length filled in below
        switch (page)
        {
            case PAGE_SUPPORTED ->
            {
                for (final int p : PAGES)
                {
                    out.put((byte)p);
                }
            }
            case PAGE_SERIAL -> out.put(identity.serial().getBytes(StandardCharsets.US_ASCII));
            case PAGE_IDENTIFICATION -> identification(out, identity);
            case PAGE_BLOCK_LIMITS -> blockLimits(out);
            case PAGE_CHARACTERISTICS ->
            {
                out.putShort((short)1); // medium rotation rate: non-rotating
                out.put((byte)0).put((byte)0); // product type, nominal form factor: not reported
                pad(out, start + 64);
            }
            case PAGE_PROVISIONING ->
            {
                out.put((byte)0); // threshold exponent
                // LBPU (UNMAP), LBPWS (WRITE SAME 16 with UNMAP), LBPWS10, LBPRZ (unmapped blocks read zero)
                out.put((byte)(0x80 | 0x40 | 0x20 | 0x04));
                out.put((byte)0x02); // provisioning type: thin
                out.put((byte)0);
            }
            default -> throw new IllegalArgumentException("no VPD page " + page);
        }
        out.putShort(start + 2, (short)(out.position() - start - 4));
    }

    private static void identification(final ByteBuffer out, final UnitIdentity identity)
    {
        // The logical unit: NAA, binary. The same on every node.
        out.put((byte)0x01).put((byte)0x03).put((byte)0).put((byte)8).putLong(identity.naa());
        // The logical unit: T10 vendor id, ASCII.
        final byte[] vendor = ("CISTERN " + identity.serial()).getBytes(StandardCharsets.US_ASCII);
        out.put((byte)0x02).put((byte)0x01).put((byte)0).put((byte)vendor.length).put(vendor);
        // The target port this command came through (iSCSI, PIV): its relative port, distinct per node.
        out.put((byte)0x51).put((byte)0x94).put((byte)0).put((byte)4).putInt(identity.relativePort());
        // The target port's group (one port per group: each node's portal).
        out.put((byte)0x51).put((byte)0x95).put((byte)0).put((byte)4).putShort((short)0).putShort((short)identity.relativePort());
        // The target device: its iSCSI name, UTF-8, NUL-terminated and padded to a multiple of 4.
        final byte[] name = identity.targetName().getBytes(StandardCharsets.UTF_8);
        final int length = (name.length + 1 + 3) & ~3;
        out.put((byte)0x53).put((byte)0xa8).put((byte)0).put((byte)length).put(name);
        for (int i = name.length; i < length; i++)
        {
            out.put((byte)0);
        }
    }

    private static void blockLimits(final ByteBuffer out)
    {
        final int start = out.position() - 4;
        out.put((byte)0); // WSNZ: a WRITE SAME of 0 blocks means to the end
        out.put((byte)MAX_COMPARE_AND_WRITE_BLOCKS); // maximum compare and write length
        out.putShort((short)(1 << Scsi.BLOCKS_PER_PHYSICAL_EXPONENT)); // optimal transfer length granularity: 4 KiB
        out.putInt(Scsi.MAX_TRANSFER_BLOCKS); // maximum transfer length
        out.putInt(Scsi.MAX_TRANSFER_BLOCKS); // optimal transfer length
        out.putInt(Scsi.MAX_TRANSFER_BLOCKS); // maximum prefetch length
        out.putInt(MAX_UNMAP_BLOCKS); // maximum unmap LBA count
        out.putInt(MAX_UNMAP_DESCRIPTORS); // maximum unmap block descriptor count
        out.putInt(1 << Scsi.BLOCKS_PER_PHYSICAL_EXPONENT); // optimal unmap granularity
        out.putInt(0); // UGAVALID 0
        out.putLong(MAX_WRITE_SAME_BLOCKS); // maximum write same length
        pad(out, start + 64);
    }

    private static void ascii(final ByteBuffer out, final String text, final int width)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < width; i++)
        {
            out.put(i < bytes.length ? bytes[i] : (byte)' ');
        }
    }

    private static void pad(final ByteBuffer out, final int to)
    {
        while (out.position() < to)
        {
            out.put((byte)0);
        }
    }
}
