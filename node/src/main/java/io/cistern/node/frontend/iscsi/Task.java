package io.cistern.node.frontend.iscsi;

import io.cistern.node.frontend.iscsi.scsi.Scsi;
import io.cistern.node.frontend.iscsi.scsi.ScsiCommand;
import io.cistern.node.volume.VolumeIo;

import java.nio.ByteBuffer;

/**
 * One SCSI command in flight on a connection, in a slot of its own: its buffer (1 MiB, allocated once per
 * slot), its view of the volume, and where its data transfer stands. While its data is coming in, only
 * the connection's reader touches it; once it runs, only its worker.
 */
final class Task
{
    final ScsiCommand command = new ScsiCommand(ByteBuffer.allocateDirect(Scsi.MAX_TRANSFER_BYTES));
    final VolumeIo volume;

    int itt;
    int lun;
    /** The LUN field as it came, for the R2Ts that echo it. */
    long lunField;
    int cmdSN;
    boolean write;
    boolean read;
    /** Bytes of data-out the initiator sends in all (its expected data transfer length, capped at the buffer). */
    int toReceive;
    int received;
    /** The R2T sequence being answered: its tag, its end offset; and the next R2TSN. */
    int transferTag = Iscsi.RESERVED_TAG;
    int sequenceEnd;
    int r2tSN;
    /** The DataSN the next Data-Out of the current sequence carries (each sequence counts from 0). */
    int dataSN;
    /** Refused before its data arrived: the data that still comes is dropped. */
    boolean refused;
    volatile boolean aborted;
    volatile boolean running;

    Task(final VolumeIo volume)
    {
        this.volume = volume;
    }

    void reset()
    {
        command.reset();
        command.data.clear();
        received = 0;
        toReceive = 0;
        transferTag = Iscsi.RESERVED_TAG;
        sequenceEnd = 0;
        r2tSN = 0;
        dataSN = 0;
        refused = false;
        aborted = false;
        running = false;
    }
}
