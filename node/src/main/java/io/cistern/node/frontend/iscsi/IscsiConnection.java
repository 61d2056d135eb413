package io.cistern.node.frontend.iscsi;

import io.cistern.actors.reservation.Nexus;
import io.cistern.actors.reservation.Registration;
import io.cistern.node.frontend.Acceptor;
import io.cistern.node.frontend.ThrottledLog;
import io.cistern.node.frontend.iscsi.scsi.LogicalUnit;
import io.cistern.node.frontend.iscsi.scsi.UnitIdentity;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HexFormat;

/**
 * One initiator connection, which is one session (this target negotiates MaxConnections=1): the login,
 * then the full feature phase, where this connection's thread reads every PDU in order and either handles
 * it (NOP-Out, Text, Task Management, Logout) or hands it to the session's {@link Commands}.
 * <p>
 * A PDU that breaks the protocol but can be stepped over (its length is in its header) gets a Reject and
 * the connection goes on; one whose data segment is longer than this target declared it takes is
 * rejected and the connection closed, since the initiator has not followed what was negotiated.
 */
final class IscsiConnection implements Acceptor.Connection
{
    private static final Logger LOG = LoggerFactory.getLogger(IscsiConnection.class);

    private final SocketChannel channel;
    private final IscsiServer server;
    private final VolumeCatalog catalog;
    private final String client;
    private final Portal portal;
    private final IscsiCounters counters;
    private final ThrottledLog protocolErrors;
    private final Runnable loginEnded;
    private final CommandWindow window = new CommandWindow();
    private final PduReader in;
    private final PduWriter out;
    private final Discovery discovery;
    private volatile Login login;
    private volatile String abortReason;
    private volatile boolean broken;
    private Login.Session session;
    private volatile Commands commands;
    private volatile Nexus nexus;
    private volatile LogicalUnit unit;
    private volatile long volumeId = -1;
    private ByteBuffer ping;

    IscsiConnection(final SocketChannel channel, final IscsiServer server, final VolumeCatalog catalog, final String client,
                    final Portal portal, final IscsiCounters counters, final ThrottledLog protocolErrors,
                    final Runnable loginEnded)
    {
        this.channel = channel;
        this.server = server;
        this.catalog = catalog;
        this.client = client;
        this.portal = portal;
        this.counters = counters;
        this.protocolErrors = protocolErrors;
        this.loginEnded = loginEnded;
        this.in = new PduReader(channel);
        this.out = new PduWriter(channel, window);
        this.discovery = new Discovery(catalog, server::portals);
    }

    @Override
    public String client()
    {
        return client;
    }

    @Override
    public boolean serverBusy()
    {
        final Login current = login;
        return current != null && current.opening();
    }

    @Override
    public void abort(final String reason)
    {
        abortReason = reason;
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // closing is all that was asked
        }
    }

    /**
     * Waits until this session's running commands have ended, if it is on volume {@code volume} and one of
     * {@code removed} covers its nexus (a PREEMPT AND ABORT removed it).
     */
    void fence(final long volume, final java.util.List<Registration> removed) throws InterruptedException
    {
        final Commands running = commands;
        final Nexus mine = nexus;
        if (running == null || mine == null || volumeId != volume)
        {
            return;
        }
        for (final Registration r : removed)
        {
            if (r.nexus().covers(mine))
            {
                running.awaitRunning();
                return;
            }
        }
    }

    /** Queues a unit attention if this session is on {@code volume} (and, {@code nexuses} non-null, one covers it). */
    void unitAttention(final long volume, final java.util.List<Registration> nexuses, final int ascq)
    {
        final LogicalUnit current = unit;
        if (current == null || volumeId != volume)
        {
            return;
        }
        if (nexuses != null && nexuses.stream().noneMatch(r -> r.nexus().covers(current.nexus())))
        {
            return;
        }
        current.unitAttention(ascq);
    }

    /** The session's key for reinstatement (RFC 7143 section 6.3.5): initiator, ISID and target. */
    String sessionKey()
    {
        return session.initiatorName() + "," + HexFormat.of().formatHex(session.isid()) + "," + session.targetName();
    }

    @Override
    public void run()
    {
        VolumeIo volume = null;
        try (channel)
        {
            final Login starting = new Login(in, out, window, catalog, server.reservations(), client, portal, server.chap());
            login = starting;
            synchronized (out)
            {
                session = starting.run(server.nextTsih());
            }
            volume = starting.openedVolume();
            loginEnded.run();
            if (session == null)
            {
                counters.refusedLogins.increment();
                protocolErrors.warn("iSCSI login of {} refused: {}", client, starting.refusal());
                return;
            }
            counters.sessions.increment();
            if (!session.discovery())
            {
                server.reinstate(this);
                nexus = new Nexus(session.initiatorName() + ",i,0x" + HexFormat.of().formatHex(session.isid()), portal.groupTag());
                volumeId = volume.id();
                unit = new LogicalUnit(new UnitIdentity(volume.id(), session.targetName(), portal.groupTag()),
                    server.atomic(starting.volumeName()), nexus, server.reservations());
                commands = new Commands(in, out, session.parameters(), unit, volume, counters, client, protocolErrors, this::breakOff);
                LOG.info("iSCSI initiator {} ({}) logged in to {} through {}", session.initiatorName(), client,
                    session.targetName(), portal.address());
            }
            fullFeature();
        }
        catch (final EOFException ex)
        {
            LOG.debug("iSCSI initiator {} went away: {}", client, ex.getMessage());
        }
        catch (final IOException ex)
        {
            if (abortReason == null && !broken)
            {
                LOG.info("iSCSI connection {} ended: {}", client, ex.toString());
            }
            else
            {
                LOG.debug("iSCSI connection {} closed: {}", client, abortReason);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("iSCSI connection {} failed", client, ex);
        }
        finally
        {
            if (commands != null)
            {
                // Commands still running finish before the volume is closed (and the session detached).
                try
                {
                    commands.drain();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                commands.close();
            }
            if (session != null && !session.discovery())
            {
                server.ended(this);
            }
            if (volume != null)
            {
                catalog.close(login.volumeName(), login.attachedAs(), volume);
                LOG.info("iSCSI initiator {} logged out of {}", client, login.volumeName());
            }
        }
    }

    private void breakOff()
    {
        broken = true;
        abort("it broke while answering");
    }

    private void fullFeature() throws IOException, InterruptedException
    {
        final ByteBuffer h = in.header;
        while (!broken)
        {
            in.readHeader();
            final int opcode = Bhs.opcode(h);
            final int length = Bhs.dataLength(h);
            if (length > Iscsi.MAX_RECV_DATA_SEGMENT)
            {
                in.skipData(length);
                reject(Iscsi.REJECT_PROTOCOL_ERROR, "a data segment of " + length + " bytes, more than the " +
                    Iscsi.MAX_RECV_DATA_SEGMENT + " this target declared it takes; closing the connection");
                return;
            }
            final boolean numbered = opcode == Iscsi.SCSI_COMMAND || opcode == Iscsi.NOP_OUT || opcode == Iscsi.TEXT_REQUEST
                || opcode == Iscsi.TASK_MANAGEMENT || opcode == Iscsi.LOGOUT_REQUEST;
            if (numbered && !(opcode == Iscsi.NOP_OUT && Bhs.itt(h) == Iscsi.RESERVED_TAG)
                && !window.arrived(Bhs.word(h, 24), Bhs.immediate(h)))
            {
                in.skipData(length);
                counters.dropped.increment();
                continue;
            }
            switch (opcode)
            {
                case Iscsi.SCSI_COMMAND ->
                {
                    if (commands == null)
                    {
                        in.skipData(length);
                        reject(Iscsi.REJECT_PROTOCOL_ERROR, "a SCSI command in a discovery session");
                    }
                    else
                    {
                        rejectIf(commands.command(), "a SCSI command whose immediate data breaks what was negotiated");
                    }
                }
                case Iscsi.DATA_OUT ->
                {
                    if (commands == null)
                    {
                        in.skipData(length);
                        reject(Iscsi.REJECT_PROTOCOL_ERROR, "a Data-Out in a discovery session");
                    }
                    else
                    {
                        commands.dataOut();
                    }
                }
                case Iscsi.NOP_OUT -> nopOut(length);
                case Iscsi.TEXT_REQUEST -> discovery.text(in, out, length, session);
                case Iscsi.TASK_MANAGEMENT ->
                {
                    in.skipData(length);
                    if (!TaskManagement.handle(h, out, commands, unit, server.reservations()))
                    {
                        return; // a target cold reset ends the connection
                    }
                }
                case Iscsi.LOGOUT_REQUEST ->
                {
                    in.skipData(length);
                    logout();
                    return;
                }
                default ->
                {
                    in.skipData(length);
                    reject(Iscsi.REJECT_COMMAND_NOT_SUPPORTED, "a " + Login.opcodeName(opcode) + " PDU, which this target does not take");
                }
            }
        }
    }

    private void nopOut(final int length) throws IOException
    {
        final ByteBuffer h = in.header;
        final int itt = Bhs.itt(h);
        if (itt == Iscsi.RESERVED_TAG)
        {
            in.skipData(length); // a ping that wants no answer, or the answer to one of ours
            return;
        }
        if (ping == null)
        {
            ping = ByteBuffer.allocate(Iscsi.MAX_RECV_DATA_SEGMENT);
        }
        ping.clear();
        in.readData(ping, length);
        ping.flip();
        // The echo is cut at what the initiator takes in one segment.
        ping.limit(Math.min(length, session.parameters().initiatorMaxRecvDataSegment));
        synchronized (out)
        {
            final ByteBuffer r = out.start(Iscsi.NOP_IN, Iscsi.FINAL, ping.remaining());
            r.putLong(8, Bhs.lun(h));
            r.putInt(16, itt);
            r.putInt(20, Iscsi.RESERVED_TAG);
            out.send(ping, true);
        }
    }

    private void logout() throws IOException, InterruptedException
    {
        final ByteBuffer h = in.header;
        final int itt = Bhs.itt(h);
        final int reason = Bhs.flags(h) & 0x7f;
        if (commands != null)
        {
            commands.drain();
        }
        synchronized (out)
        {
            final ByteBuffer r = out.start(Iscsi.LOGOUT_RESPONSE, Iscsi.FINAL, 0);
            // Closing the session or this connection: done. Recovery (reason 2) needs error recovery level 2.
            r.put(2, (byte)(reason == 2 ? 3 : 0));
            r.putInt(16, itt);
            out.send(null, true);
        }
        LOG.debug("iSCSI initiator {} logged out (reason {})", client, reason);
    }

    private void rejectIf(final int reason, final String what) throws IOException
    {
        if (reason != 0)
        {
            reject(reason, what);
        }
    }

    private void reject(final int reason, final String what) throws IOException
    {
        counters.rejects.increment();
        protocolErrors.warn("iSCSI initiator {} sent {}: rejected", client, what);
        final byte[] rejected = new byte[Iscsi.BHS];
        in.header.get(0, rejected);
        synchronized (out)
        {
            final ByteBuffer r = out.start(Iscsi.REJECT, Iscsi.FINAL, Iscsi.BHS);
            r.put(2, (byte)reason);
            r.putInt(16, Iscsi.RESERVED_TAG);
            out.send(ByteBuffer.wrap(rejected), true);
        }
    }
}
