package io.cistern.node.frontend.iscsi.scsi;

import java.nio.ByteBuffer;

/**
 * One SCSI command as the transport hands it to a {@link LogicalUnit}, and its outcome: reused for every
 * command of one slot, so serving a command allocates nothing.
 * <p>
 * The transport fills {@link #cdb}, {@link #expectedLength} and, for a command that sends data, the
 * bytes it received into {@link #data} (position 0, limit what arrived). The logical unit leaves the
 * bytes to send back in {@link #data} (position 0, limit their length), sets {@link #status}, the sense
 * data when the status is CHECK CONDITION, and {@link #length}: how many bytes the command meant to
 * transfer, which the transport compares with what the initiator expected (a residual).
 */
public final class ScsiCommand
{
    public static final int SENSE_LENGTH = 18;

    public final byte[] cdb = new byte[16];
    /** The payload: what came from the initiator, then what goes back to it. */
    public final ByteBuffer data;
    /** What the initiator said the command transfers, in bytes. */
    public int expectedLength;

    public int status;
    public final byte[] sense = new byte[SENSE_LENGTH];
    public int senseLength;
    /** The bytes the command transfers by its own CDB (for a residual). */
    public int length;

    private ByteBuffer scratch;

    public ScsiCommand(final ByteBuffer data)
    {
        this.data = data;
    }

    /** A second buffer as large as {@link #data} (what a verify or compare reads the volume into), made once. */
    ByteBuffer scratch()
    {
        if (scratch == null)
        {
            scratch = ByteBuffer.allocateDirect(data.capacity());
        }
        return scratch.clear();
    }

    public int opcode()
    {
        return cdb[0] & 0xff;
    }

    /** Ready for the next command. */
    public void reset()
    {
        status = Scsi.GOOD;
        senseLength = 0;
        length = 0;
        expectedLength = 0;
    }

    /** GOOD, with {@code bytes} in {@link #data}. */
    void good(final int bytes)
    {
        status = Scsi.GOOD;
        length = bytes;
    }

    /** CHECK CONDITION with fixed-format sense data (SPC-4 4.5.3). */
    void check(final int senseKey, final int ascq)
    {
        check(senseKey, ascq, false, 0);
    }

    /** CHECK CONDITION whose sense data's INFORMATION field holds {@code information} (a miscompare's offset). */
    void check(final int senseKey, final int ascq, final boolean valid, final long information)
    {
        status = Scsi.CHECK_CONDITION;
        Sense.fixed(sense, senseKey, ascq, valid, information);
        senseLength = SENSE_LENGTH;
        data.clear().limit(0);
    }

    /** CHECK CONDITION for a command refused before it reached the logical unit (public: the transport's). */
    public void refuse(final int senseKey, final int ascq)
    {
        check(senseKey, ascq);
    }

    /** RESERVATION CONFLICT (no sense data). */
    void conflict()
    {
        status = Scsi.RESERVATION_CONFLICT;
        senseLength = 0;
        data.clear().limit(0);
    }
}
