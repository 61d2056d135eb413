package io.cistern.node.frontend.iscsi;

import io.cistern.node.frontend.iscsi.scsi.Scsi;
import io.cistern.node.frontend.iscsi.scsi.ScsiCommand;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the target sends for a SCSI command (RFC 7143 sections 11.4, 11.7, 11.8): R2Ts for its data-out,
 * and its answer, as Data-In PDUs of at most the initiator's MaxRecvDataSegmentLength (the last carrying
 * the status, when it is GOOD, with F at every MaxBurstLength) or a SCSI Response with sense data, with
 * the residual against the initiator's expected length either way.
 */
final class Replies
{
    private Replies()
    {
    }

    /** An R2T for the next {@code length} bytes of the task's data-out. */
    static void r2t(final PduWriter out, final Task task, final int length) throws IOException
    {
        synchronized (out)
        {
            final ByteBuffer r = out.start(Iscsi.R2T, Iscsi.FINAL, 0);
            r.putLong(8, task.lunField);
            r.putInt(16, task.itt);
            r.putInt(20, task.transferTag);
            r.putInt(36, task.r2tSN++);
            r.putInt(40, task.received);
            r.putInt(44, length);
            out.send(null, false);
        }
    }

    /** Sends the task's data-in and status. */
    static void send(final PduWriter out, final Negotiation parameters, final Task task) throws IOException
    {
        final ScsiCommand c = task.command;
        final int produced = c.length;
        final int expected = c.expectedLength;
        final int residualFlags = produced < expected ? Iscsi.UNDERFLOW : produced > expected ? Iscsi.OVERFLOW : 0;
        final int residual = produced < expected ? expected - produced : produced - expected;
        final ByteBuffer data = c.data;
        final int send = c.status == Scsi.GOOD && task.read ? Math.min(data.remaining(), expected) : 0;
        synchronized (out)
        {
            if (send > 0)
            {
                final int segment = parameters.initiatorMaxRecvDataSegment;
                final int burst = parameters.maxBurstLength;
                int dataSN = 0;
                for (int offset = 0; offset < send; offset += segment)
                {
                    final int length = Math.min(segment, send - offset);
                    final boolean last = offset + length == send;
                    final boolean endOfBurst = last || (offset + length) % burst == 0;
                    final ByteBuffer h = out.start(Iscsi.DATA_IN,
                        (endOfBurst ? Iscsi.FINAL : 0) | (last ? Iscsi.STATUS | residualFlags : 0), length);
                    h.put(3, (byte)(last ? c.status : 0));
                    h.putInt(16, task.itt);
                    h.putInt(20, Iscsi.RESERVED_TAG);
                    h.putInt(36, dataSN++);
                    h.putInt(40, offset);
                    h.putInt(44, last ? residual : 0);
                    data.position(offset).limit(offset + length);
                    out.send(data, last);
                }
                return;
            }
            final ByteBuffer sense;
            if (c.senseLength > 0)
            {
                sense = ByteBuffer.allocate(2 + c.senseLength);
                sense.putShort((short)c.senseLength).put(c.sense, 0, c.senseLength).flip();
            }
            else
            {
                sense = null;
            }
            final ByteBuffer h = out.start(Iscsi.SCSI_RESPONSE, Iscsi.FINAL | residualFlags, sense == null ? 0 : sense.remaining());
            h.put(2, (byte)0); // command completed at target
            h.put(3, (byte)c.status);
            h.putInt(16, task.itt);
            h.putInt(36, task.r2tSN);
            h.putInt(44, residual);
            out.send(sense, true);
        }
    }
}
