package io.cistern.node.frontend.iscsi.scsi;

import java.util.Arrays;

/** Sense data in fixed format (SPC-4 4.5.3): the response code, the sense key, the INFORMATION field, ASC/ASCQ. */
final class Sense
{
    private Sense()
    {
    }

    static void fixed(final byte[] sense, final int senseKey, final int ascq, final boolean valid, final long information)
    {
        Arrays.fill(sense, (byte)0);
        sense[0] = (byte)(0x70 | (valid ? 0x80 : 0)); // current error, fixed format
        sense[2] = (byte)(senseKey & 0x0f);
        sense[3] = (byte)(information >>> 24);
        sense[4] = (byte)(information >>> 16);
        sense[5] = (byte)(information >>> 8);
        sense[6] = (byte)information;
        sense[7] = (byte)(ScsiCommand.SENSE_LENGTH - 8); // additional sense length
        sense[12] = (byte)(ascq >>> 8);
        sense[13] = (byte)ascq;
    }

    static int key(final byte[] sense)
    {
        return sense[2] & 0x0f;
    }

    static int ascq(final byte[] sense)
    {
        return (sense[12] & 0xff) << 8 | sense[13] & 0xff;
    }
}
