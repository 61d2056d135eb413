package io.cistern.node.frontend.iscsi.scsi;

import io.cistern.node.volume.VolumeIo;
import io.cistern.node.volume.VolumeStatus;

import java.nio.ByteBuffer;

/**
 * SBC-3's commands that move or compare blocks: READ, WRITE, WRITE AND VERIFY, VERIFY, SYNCHRONIZE
 * CACHE, PRE-FETCH, WRITE SAME, UNMAP and COMPARE AND WRITE, each as a few calls on the volume.
 * <p>
 * What a write receives is checked against what its CDB asks for. A WRITE that is sent less than its
 * transfer length writes what came (FCP-4 9.4.2: data beyond the transport's expected length is not
 * transferred) and reports an overflow residual; one sent more ignores the rest (an underflow). Commands
 * whose data-out has a fixed shape (WRITE SAME's one block, COMPARE AND WRITE's two halves) take exactly
 * that, else INVALID FIELD IN CDB.
 */
final class BlockIo
{
    /** Protection information (RDPROTECT, WRPROTECT, VRPROTECT): Cistern's blocks carry CRC32C, not T10 PI. */
    private static final int PROTECT = 0xe0;
    private static final int FUA = 0x08;

    private BlockIo()
    {
    }

    /** Checks an LBA range; false (and the command failed) if it is refused. */
    private static boolean admitted(final ScsiCommand c, final VolumeIo volume, final long lba, final long blocks,
                                    final long maxBlocks)
    {
        if (blocks > maxBlocks)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return false;
        }
        final long capacity = volume.size() >>> Scsi.BLOCK_SHIFT;
        if (Long.compareUnsigned(lba, capacity) > 0 || blocks > capacity - lba)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LBA_OUT_OF_RANGE);
            return false;
        }
        return true;
    }

    /**
     * Whether the initiator sent exactly {@code bytes} (a data-out of a fixed shape); else the command is
     * failed, with {@code bytes} as its length.
     */
    private static boolean exactly(final ScsiCommand c, final int bytes)
    {
        if (c.data.limit() > bytes)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            c.length = bytes;
            return false;
        }
        return received(c, bytes);
    }

    /** The command failed in the volume with {@code status}; {@code length} is what its CDB meant to transfer (its residual). */
    private static void failed(final ScsiCommand c, final VolumeStatus status, final boolean write, final int length)
    {
        LogicalUnit.status(c, status, write);
        c.length = length;
    }

    /** Whether the initiator sent at least {@code bytes}; else the command is failed, with {@code bytes} as its length. */
    private static boolean received(final ScsiCommand c, final int bytes)
    {
        if (c.data.limit() < bytes)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_INFORMATION_UNIT);
            c.length = bytes;
            return false;
        }
        return true;
    }

    static void read(final ScsiCommand c, final VolumeIo volume, final long lba, final long blocks, final int flags)
    {
        if ((flags & PROTECT) != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        if (!admitted(c, volume, lba, blocks, Scsi.MAX_TRANSFER_BLOCKS))
        {
            return;
        }
        final int bytes = (int)blocks << Scsi.BLOCK_SHIFT;
        c.data.clear().limit(bytes);
        if (bytes > 0)
        {
            final VolumeStatus status = volume.read(lba << Scsi.BLOCK_SHIFT, c.data);
            if (status != VolumeStatus.OK)
            {
                LogicalUnit.status(c, status, false);
                return;
            }
        }
        c.data.flip();
        c.good(bytes);
    }

    static void write(final ScsiCommand c, final VolumeIo volume, final long lba, final long blocks, final int flags,
                      final boolean verify)
    {
        if ((flags & PROTECT) != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        if (!admitted(c, volume, lba, blocks, Scsi.MAX_TRANSFER_BLOCKS))
        {
            return;
        }
        final int bytes = (int)blocks << Scsi.BLOCK_SHIFT;
        final int sent = Math.min(bytes, c.data.limit());
        if (sent > 0)
        {
            c.data.position(0).limit(sent);
            // WRITE AND VERIFY: written through to the drives; every block's CRC is checked on each later read.
            final VolumeStatus status = volume.write(lba << Scsi.BLOCK_SHIFT, c.data, verify || (flags & FUA) != 0);
            if (status != VolumeStatus.OK)
            {
                failed(c, status, true, bytes);
                return;
            }
        }
        c.data.clear().limit(0);
        c.good(bytes);
    }

    static void verify(final ScsiCommand c, final VolumeIo volume, final long lba, final long blocks, final int flags)
    {
        final int byteCheck = (flags >>> 1) & 0x03;
        if ((flags & PROTECT) != 0 || byteCheck == 2)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        if (!admitted(c, volume, lba, blocks, Scsi.MAX_TRANSFER_BLOCKS))
        {
            return;
        }
        final int bytes = (int)blocks << Scsi.BLOCK_SHIFT;
        final int sent = byteCheck == 0 ? 0 : byteCheck == 1 ? bytes : blocks == 0 ? 0 : Scsi.BLOCK;
        if (!received(c, sent))
        {
            return;
        }
        if (bytes > 0)
        {
            // Reading checks every block's CRC: a block that fails it on every copy is a medium error.
            final ByteBuffer stored = c.scratch().limit(bytes);
            final VolumeStatus status = volume.read(lba << Scsi.BLOCK_SHIFT, stored);
            if (status != VolumeStatus.OK)
            {
                failed(c, status, false, sent);
                return;
            }
            if (byteCheck != 0)
            {
                final int mismatch = mismatch(stored, c.data, bytes, byteCheck == 3 ? Scsi.BLOCK : bytes);
                if (mismatch >= 0)
                {
                    c.check(Scsi.MISCOMPARE, Scsi.ASC_MISCOMPARE_DURING_VERIFY, true, mismatch);
                    c.length = sent;
                    return;
                }
            }
        }
        c.data.clear().limit(0);
        c.good(sent);
    }

    /** The offset of the first byte where {@code stored} differs from {@code expected} repeated every {@code period} bytes, or -1. */
    private static int mismatch(final ByteBuffer stored, final ByteBuffer expected, final int bytes, final int period)
    {
        for (int i = 0; i < bytes; i++)
        {
            if (stored.get(i) != expected.get(i % period))
            {
                return i;
            }
        }
        return -1;
    }

    static void synchronize(final ScsiCommand c, final VolumeIo volume, final long lba, final long blocks)
    {
        if (!admitted(c, volume, lba, blocks, Long.MAX_VALUE))
        {
            return;
        }
        final VolumeStatus status = volume.flush();
        c.data.clear().limit(0);
        if (status != VolumeStatus.OK)
        {
            LogicalUnit.status(c, status, true);
            return;
        }
        c.good(0);
    }

    /** Cistern has no read cache to fill: a range that is in the volume is as fetched as it gets. */
    static void preFetch(final ScsiCommand c, final VolumeIo volume, final long lba, final long blocks)
    {
        if (admitted(c, volume, lba, blocks, Long.MAX_VALUE))
        {
            c.data.clear().limit(0);
            c.good(0);
        }
    }

    static void writeSame(final ScsiCommand c, final VolumeIo volume, final long lba, final long requested, final int flags,
                          final boolean sixteen)
    {
        final boolean unmap = (flags & 0x08) != 0;
        final boolean noDataOut = sixteen && (flags & 0x01) != 0;
        if ((flags & PROTECT) != 0 || (flags & 0x10) != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB); // protection, or ANCHOR (not supported)
            return;
        }
        final long capacity = volume.size() >>> Scsi.BLOCK_SHIFT;
        // Zero blocks means to the end of the volume (the block limits page has WSNZ 0).
        final long blocks = requested == 0 && Long.compareUnsigned(lba, capacity) < 0 ? capacity - lba : requested;
        if (!admitted(c, volume, lba, blocks, Inquiry.MAX_WRITE_SAME_BLOCKS))
        {
            return;
        }
        final int sent = noDataOut ? 0 : Scsi.BLOCK;
        if (!exactly(c, sent))
        {
            return;
        }
        final long offset = lba << Scsi.BLOCK_SHIFT;
        final long length = blocks << Scsi.BLOCK_SHIFT;
        VolumeStatus status = VolumeStatus.OK;
        if (unmap || noDataOut || isZero(c.data, Scsi.BLOCK))
        {
            // UNMAP releases the range whatever the pattern (SBC-3 5.50): unmapped blocks read back as
            // zeroes (LBPRZ), as blocks written with zeroes do.
            status = length == 0 ? VolumeStatus.OK : unmap ? volume.trim(offset, length, false) : volume.writeZeroes(offset, length, false);
        }
        else
        {
            final ByteBuffer pattern = c.scratch();
            final int chunk = (int)Math.min(pattern.capacity(), length);
            for (int i = 0; i < chunk; i++)
            {
                pattern.put(i, c.data.get(i % Scsi.BLOCK));
            }
            for (long done = 0; done < length && status == VolumeStatus.OK; done += chunk)
            {
                pattern.position(0).limit((int)Math.min(chunk, length - done));
                status = volume.write(offset + done, pattern, false);
            }
        }
        if (status != VolumeStatus.OK)
        {
            failed(c, status, true, sent);
            return;
        }
        c.data.clear().limit(0);
        c.good(sent);
    }

    private static boolean isZero(final ByteBuffer data, final int bytes)
    {
        for (int i = 0; i < bytes; i++)
        {
            if (data.get(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    static void unmap(final ScsiCommand c, final VolumeIo volume)
    {
        if ((c.cdb[1] & 0x01) != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB); // ANCHOR
            return;
        }
        final int listLength = Cdb.u16(c.cdb, 7);
        if (listLength == 0)
        {
            c.data.clear().limit(0);
            c.good(0);
            return;
        }
        if (!received(c, listLength))
        {
            return;
        }
        if (listLength < 8)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_PARAMETER_LIST_LENGTH_ERROR);
            c.length = listLength;
            return;
        }
        final ByteBuffer list = c.data;
        final int descriptors = Math.min(list.getShort(2) & 0xffff, listLength - 8) / 16;
        if (descriptors > Inquiry.MAX_UNMAP_DESCRIPTORS)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_PARAMETER_LIST);
            c.length = listLength;
            return;
        }
        final long capacity = volume.size() >>> Scsi.BLOCK_SHIFT;
        for (int i = 0; i < descriptors; i++)
        {
            final long lba = list.getLong(8 + i * 16);
            final long blocks = list.getInt(16 + i * 16) & 0xffff_ffffL;
            if (blocks > Inquiry.MAX_UNMAP_BLOCKS)
            {
                c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_PARAMETER_LIST);
                c.length = listLength;
                return;
            }
            if (Long.compareUnsigned(lba, capacity) > 0 || blocks > capacity - lba)
            {
                c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_LBA_OUT_OF_RANGE);
                c.length = listLength;
                return;
            }
        }
        for (int i = 0; i < descriptors; i++)
        {
            final long lba = list.getLong(8 + i * 16);
            final long blocks = list.getInt(16 + i * 16) & 0xffff_ffffL;
            if (blocks == 0)
            {
                continue;
            }
            final VolumeStatus status = volume.trim(lba << Scsi.BLOCK_SHIFT, blocks << Scsi.BLOCK_SHIFT, false);
            if (status != VolumeStatus.OK)
            {
                failed(c, status, true, listLength);
                return;
            }
        }
        c.data.clear().limit(0);
        c.good(listLength);
    }

    /**
     * The volume compares and writes as one step against writes through every node (within a slab; see
     * {@link VolumeIo#compareAndWrite}); the caller's lock covers the rest, against this node's other sessions.
     */
    static void compareAndWrite(final ScsiCommand c, final VolumeIo volume, final long lba, final int blocks, final int flags)
    {
        if ((flags & PROTECT) != 0)
        {
            c.check(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        if (!admitted(c, volume, lba, blocks, Inquiry.MAX_COMPARE_AND_WRITE_BLOCKS))
        {
            return;
        }
        final int bytes = blocks << Scsi.BLOCK_SHIFT;
        if (!exactly(c, 2 * bytes))
        {
            return;
        }
        if (bytes > 0)
        {
            c.data.position(0).limit(2 * bytes);
            final VolumeStatus status = volume.compareAndWrite(lba << Scsi.BLOCK_SHIFT, c.data, (flags & FUA) != 0);
            if (status == VolumeStatus.MISCOMPARE)
            {
                // SBC-3 5.2: the INFORMATION field is the offset of the first byte that differed.
                c.check(Scsi.MISCOMPARE, Scsi.ASC_MISCOMPARE_DURING_VERIFY, true, c.data.position());
                c.length = 2 * bytes;
                return;
            }
            if (status != VolumeStatus.OK)
            {
                failed(c, status, true, 2 * bytes);
                return;
            }
        }
        c.data.clear().limit(0);
        c.good(2 * bytes);
    }
}
