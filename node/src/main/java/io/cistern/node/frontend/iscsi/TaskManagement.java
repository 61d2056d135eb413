package io.cistern.node.frontend.iscsi;

import io.cistern.node.frontend.iscsi.scsi.LogicalUnit;
import io.cistern.node.volume.VolumeReservations;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Task management functions (RFC 7143 sections 11.5, 11.6; SAM-5 7): ABORT TASK, ABORT TASK SET, CLEAR
 * TASK SET, LOGICAL UNIT RESET and TARGET WARM and COLD RESET, on the session's tasks. A function answers
 * once the tasks it ends have ended (a running one is let finish its I/O, without status), so nothing
 * the initiator thinks aborted still writes afterwards.
 */
final class TaskManagement
{
    private static final int BUS_DEVICE_RESET_FUNCTION_OCCURRED = 0x2903;

    private TaskManagement()
    {
    }

    /** Handles the request in {@code h}; false if the connection is to close after it (a cold reset). */
    static boolean handle(final ByteBuffer h, final PduWriter out, final Commands commands, final LogicalUnit unit,
                          final VolumeReservations reservations) throws IOException, InterruptedException
    {
        final int function = Bhs.flags(h) & 0x7f;
        final int response;
        boolean close = false;
        if (commands == null)
        {
            response = Iscsi.TMF_NO_LUN; // a discovery session has no logical unit
        }
        else
        {
            final boolean lunScoped = function != Iscsi.TMF_TARGET_WARM_RESET && function != Iscsi.TMF_TARGET_COLD_RESET;
            if (lunScoped && Bhs.lunNumber(h) != 0)
            {
                response = Iscsi.TMF_NO_LUN;
            }
            else
            {
                switch (function)
                {
                    case Iscsi.TMF_ABORT_TASK -> response = commands.abort(Bhs.word(h, 20)) ? Iscsi.TMF_COMPLETE : Iscsi.TMF_NO_TASK;
                    case Iscsi.TMF_ABORT_TASK_SET, Iscsi.TMF_CLEAR_TASK_SET ->
                    {
                        commands.abortAll();
                        response = Iscsi.TMF_COMPLETE;
                    }
                    case Iscsi.TMF_LOGICAL_UNIT_RESET, Iscsi.TMF_TARGET_WARM_RESET ->
                    {
                        // A reset of the one logical unit every node serves: every session of it, through
                        // every node, is told on its next command (SAM-5 6.6: BUS DEVICE RESET FUNCTION OCCURRED).
                        commands.abortAll();
                        reservations.announce(unit.identity().volumeId(), BUS_DEVICE_RESET_FUNCTION_OCCURRED);
                        unit.unitAttention(BUS_DEVICE_RESET_FUNCTION_OCCURRED);
                        response = Iscsi.TMF_COMPLETE;
                    }
                    case Iscsi.TMF_TARGET_COLD_RESET ->
                    {
                        commands.abortAll();
                        response = Iscsi.TMF_COMPLETE;
                        close = true; // section 11.5.1: a cold reset also ends the connections
                    }
                    case Iscsi.TMF_CLEAR_ACA -> response = Iscsi.TMF_NOT_SUPPORTED; // NACA is never set: no ACA to clear
                    default -> response = Iscsi.TMF_NOT_SUPPORTED; // TASK REASSIGN needs error recovery level 2
                }
            }
        }
        synchronized (out)
        {
            final ByteBuffer r = out.start(Iscsi.TASK_MANAGEMENT_RESPONSE, Iscsi.FINAL, 0);
            r.put(2, (byte)response);
            r.putInt(16, Bhs.itt(h));
            out.send(null, true);
        }
        return !close;
    }
}
