package io.cistern.node.frontend.iscsi;

import io.cistern.node.frontend.ThrottledLog;
import io.cistern.node.frontend.iscsi.scsi.LogicalUnit;
import io.cistern.node.frontend.iscsi.scsi.Scsi;
import io.cistern.node.frontend.iscsi.scsi.ScsiCommand;
import io.cistern.node.volume.VolumeIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The SCSI commands of one session (RFC 7143 sections 11.3-11.8, 11.9 R2T): each command takes a slot,
 * gathers its data-out (immediate data, an unsolicited burst, then one R2T at a time of at most
 * MaxBurstLength), runs on a worker against the {@link LogicalUnit}, and answers with Data-In PDUs of
 * at most the initiator's MaxRecvDataSegmentLength (the last carrying the status when it is GOOD) or a
 * SCSI Response with sense data. When every slot is busy the reader waits, which pushes back on the
 * initiator through TCP and the CmdSN window.
 * <p>
 * The reader thread calls {@link #command} and {@link #dataOut}; workers answer. A task's data belongs to
 * the reader until it runs, then to its worker.
 */
final class Commands
{
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

    private final PduReader in;
    private final PduWriter out;
    private final Negotiation parameters;
    private final LogicalUnit unit;
    private final VolumeIo volume;
    private final IscsiCounters counters;
    private final String client;
    private final ThrottledLog protocolErrors;
    private final ConcurrentHashMap<Integer, Task> tasks = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<Task> free = new ArrayBlockingQueue<>(Iscsi.QUEUE_DEPTH);
    private final ExecutorService workers;
    private final Runnable broken;
    private int slotsMade;
    private int inFlight;
    private int nextTransferTag;

    Commands(final PduReader in, final PduWriter out, final Negotiation parameters, final LogicalUnit unit,
             final VolumeIo volume, final IscsiCounters counters, final String client, final ThrottledLog protocolErrors,
             final Runnable broken)
    {
        this.protocolErrors = protocolErrors;
        this.in = in;
        this.out = out;
        this.parameters = parameters;
        this.unit = unit;
        this.volume = volume;
        this.counters = counters;
        this.client = client;
        this.broken = broken;
        this.workers = Executors.newFixedThreadPool(Iscsi.QUEUE_DEPTH, r ->
        {
            final Thread thread = new Thread(r, Thread.currentThread().getName() + "-worker");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A SCSI Command PDU whose header {@link PduReader#header} holds: its immediate data is read, and it
     * runs, or waits for its data. Returns a reject reason if the PDU breaks the protocol, else 0.
     */
    int command() throws IOException, InterruptedException
    {
        final ByteBuffer h = in.header;
        final int flags = Bhs.flags(h);
        final boolean write = (flags & Iscsi.WRITE) != 0;
        final int expected = Bhs.word(h, 20);
        final int immediate = Bhs.dataLength(h);
        if (immediate > 0 && (!write || !parameters.immediateData || immediate > parameters.firstBurstLength
            || Integer.compareUnsigned(immediate, expected) > 0))
        {
            in.skipData(immediate);
            return Iscsi.REJECT_PROTOCOL_ERROR;
        }
        final Task task = take();
        task.reset();
        task.itt = Bhs.itt(h);
        task.lun = Bhs.lunNumber(h);
        task.lunField = Bhs.lun(h);
        task.write = write;
        task.read = (flags & Iscsi.READ) != 0;
        final ScsiCommand c = task.command;
        h.get(32, c.cdb);
        c.expectedLength = expected < 0 ? Integer.MAX_VALUE : expected;
        counters.commands.increment();
        if (!write)
        {
            tasks.put(task.itt, task);
            run(task);
            return 0;
        }
        if (Integer.compareUnsigned(expected, c.data.capacity()) > 0)
        {
            // More than one slot holds: refused before any data; what is still sent for it is dropped.
            in.skipData(immediate);
            c.refuse(Scsi.ILLEGAL_REQUEST, Scsi.ASC_INVALID_FIELD_IN_CDB);
            respond(task);
            release(task);
            return 0;
        }
        task.toReceive = expected;
        c.data.clear();
        in.readData(c.data, immediate);
        task.received = immediate;
        tasks.put(task.itt, task);
        final boolean unsolicitedFollows = !parameters.initialR2T && (flags & Iscsi.FINAL) == 0
            && task.received < Math.min(task.toReceive, parameters.firstBurstLength);
        if (!unsolicitedFollows)
        {
            more(task);
        }
        return 0;
    }

    /**
     * A Data-Out PDU: its data goes into its task's buffer. One that does not follow its sequence (tag,
     * DataSN, offset, length) cannot be mended at error recovery level 0: its command ends at once with
     * ABORTED COMMAND, DATA PHASE ERROR, and the rest of its data is dropped; the connection goes on.
     */
    void dataOut() throws IOException
    {
        final ByteBuffer h = in.header;
        final int length = Bhs.dataLength(h);
        final Task task = tasks.get(Bhs.itt(h));
        if (task == null || task.running || !task.write)
        {
            // Data for a task that was refused, aborted or finished: dropped, as the RFC allows.
            in.skipData(length);
            counters.dropped.increment();
            return;
        }
        final int tag = Bhs.word(h, 20);
        final int offset = Bhs.word(h, 40);
        if (tag != task.transferTag || Bhs.word(h, 36) != task.dataSN || offset != task.received
            || length > task.toReceive - offset)
        {
            in.skipData(length);
            counters.dropped.increment();
            protocolErrors.warn("iSCSI initiator {} sent a Data-Out out of its sequence (DataSN {}, offset {}, {} bytes; " +
                "expected DataSN {} at offset {}): its command ends with a data phase error", client, Bhs.word(h, 36), offset,
                length, task.dataSN, task.received);
            task.command.refuse(Scsi.ABORTED_COMMAND, Scsi.ASC_DATA_PHASE_ERROR);
            respond(task);
            release(task);
            return;
        }
        task.command.data.position(offset);
        in.readData(task.command.data, length);
        task.received += length;
        task.dataSN++;
        if ((Bhs.flags(h) & Iscsi.FINAL) != 0 || task.received == task.toReceive)
        {
            if (tag == Iscsi.RESERVED_TAG || task.received >= task.sequenceEnd)
            {
                more(task);
            }
        }
    }

    /** All data in: the task runs. Else the next R2T asks for the next burst. */
    private void more(final Task task) throws IOException
    {
        if (task.received >= task.toReceive)
        {
            task.command.data.position(0).limit(task.received);
            task.transferTag = Iscsi.RESERVED_TAG;
            run(task);
            return;
        }
        final int length = Math.min(parameters.maxBurstLength, task.toReceive - task.received);
        task.transferTag = nextTransferTag++ & 0x7fff_ffff;
        task.sequenceEnd = task.received + length;
        task.dataSN = 0;
        Replies.r2t(out, task, length);
    }

    private void run(final Task task)
    {
        task.running = true;
        started();
        workers.execute(() ->
        {
            try
            {
                serve(task);
            }
            finally
            {
                release(task);
                finished();
            }
        });
    }

    private void serve(final Task task)
    {
        final ScsiCommand c = task.command;
        if (!task.write)
        {
            c.data.clear().limit(0); // nothing came from the initiator
        }
        try
        {
            unit.execute(c, task.volume, task.lun);
        }
        catch (final RuntimeException ex)
        {
            // A bug or a closing data plane: the initiator still gets an answer for its command.
            LOG.error("iSCSI command 0x{} of {} failed", Integer.toHexString(c.opcode()), client, ex);
            c.refuse(Scsi.HARDWARE_ERROR, Scsi.ASC_INTERNAL_TARGET_FAILURE);
        }
        if (task.aborted)
        {
            return; // an aborted task ends without status (SAM-5 5.6)
        }
        try
        {
            respond(task);
        }
        catch (final IOException ex)
        {
            LOG.info("iSCSI connection {} broke while answering: {}", client, ex.toString());
            broken.run();
        }
    }

    /** Sends the task's data-in and status. */
    private void respond(final Task task) throws IOException
    {
        if (task.command.status == Scsi.CHECK_CONDITION)
        {
            counters.checkConditions.increment();
        }
        Replies.send(out, parameters, task);
    }

    /**
     * Aborts the task tagged {@code itt}: one still gathering data is dropped at once, a running one ends
     * without status; returns once it has. False if there is no such task.
     */
    boolean abort(final int itt) throws InterruptedException
    {
        final Task task = tasks.get(itt);
        if (task == null)
        {
            return false;
        }
        abort(task);
        return true;
    }

    /** Aborts every task of the session (a LUN or target reset, an abort of the task set); returns once they have ended. */
    void abortAll() throws InterruptedException
    {
        final List<Task> all = new ArrayList<>(tasks.values());
        for (final Task task : all)
        {
            abort(task);
        }
    }

    private void abort(final Task task) throws InterruptedException
    {
        task.aborted = true;
        if (!task.running)
        {
            // Still gathering data: its slot is the reader's (this thread) to give back.
            release(task);
            return;
        }
        synchronized (this)
        {
            while (tasks.get(task.itt) == task)
            {
                wait();
            }
        }
    }

    private Task take() throws InterruptedException
    {
        final Task ready = free.poll();
        if (ready != null)
        {
            return ready;
        }
        synchronized (this)
        {
            if (slotsMade < Iscsi.QUEUE_DEPTH)
            {
                // Slots (and their 1 MiB buffers) are made as the initiator's queue depth asks for them.
                slotsMade++;
                return new Task(slotsMade == 1 ? volume : volume.concurrentView());
            }
        }
        return free.take();
    }

    private void release(final Task task)
    {
        synchronized (this)
        {
            tasks.remove(task.itt, task);
            notifyAll();
        }
        free.add(task);
    }

    private synchronized void started()
    {
        inFlight++;
    }

    private synchronized void finished()
    {
        inFlight--;
        notifyAll();
    }

    /**
     * Waits until the commands running now have ended (those that start later are not waited for): what
     * fences a preempted initiator's in-flight writes once its new commands meet RESERVATION CONFLICT.
     */
    void awaitRunning() throws InterruptedException
    {
        final List<Task> running = new ArrayList<>();
        for (final Task task : tasks.values())
        {
            if (task.running)
            {
                running.add(task);
            }
        }
        synchronized (this)
        {
            for (final Task task : running)
            {
                while (tasks.get(task.itt) == task)
                {
                    wait();
                }
            }
        }
    }

    /** Waits until no command is running (each ends within the data plane's request timeout). */
    synchronized void drain() throws InterruptedException
    {
        while (inFlight > 0)
        {
            wait();
        }
    }

    void close()
    {
        workers.shutdown();
    }
}
