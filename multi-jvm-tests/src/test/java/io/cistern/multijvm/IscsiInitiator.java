package io.cistern.multijvm;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The least an iSCSI initiator does (RFC 7143): a normal session's login straight into the full feature
 * phase, then SCSI commands one at a time with their data-out as immediate data, and their Data-In and
 * status read back. What the tests need to drive persistent reservations from two initiators through two
 * nodes, which no command-line tool of libiscsi does one step at a time.
 */
final class IscsiInitiator implements AutoCloseable
{
    /** A command's outcome: its SCSI status, its data-in and its sense data. */
    record Response(int status, byte[] data, byte[] sense)
    {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int itt = 1;
    private int cmdSN;
    private int expStatSN;

    private IscsiInitiator(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static IscsiInitiator login(final int port, final String initiatorName, final String target) throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        final IscsiInitiator initiator = new IscsiInitiator(socket);
        final String keys = "InitiatorName=" + initiatorName + "\0TargetName=" + target + "\0SessionType=Normal\0" +
            "ImmediateData=Yes\0InitialR2T=No\0MaxRecvDataSegmentLength=262144\0";
        final byte[] data = keys.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer pdu = ByteBuffer.allocate(48);
        pdu.put(0, (byte)0x43); // login request, immediate
        pdu.put(1, (byte)0x87); // T, CSG 1 (operational), NSG 3 (full feature)
        pdu.putInt(4, data.length);
        pdu.put(8, (byte)0x80); // ISID: random format, then 5 random bytes; TSIH 0, a new session
        for (int i = 9; i < 14; i++)
        {
            pdu.put(i, (byte)ThreadLocalRandom.current().nextInt(256));
        }
        pdu.putInt(16, 0);
        initiator.send(pdu.array(), data);
        final byte[] header = initiator.readPdu(null);
        final int status = (header[36] & 0xff) << 8 | header[37] & 0xff;
        if ((header[0] & 0x3f) != 0x23 || status != 0)
        {
            socket.close();
            throw new IOException("login to " + target + " on port " + port + " refused with status 0x" + Integer.toHexString(status));
        }
        initiator.cmdSN = ByteBuffer.wrap(header).getInt(28);
        return initiator;
    }

    /** Sends one command and reads its answer; {@code dataOut} goes as immediate data (at most 64 KiB). */
    Response command(final byte[] cdb, final byte[] dataOut, final int expectedIn) throws IOException
    {
        final boolean write = dataOut != null && dataOut.length > 0;
        final ByteBuffer pdu = ByteBuffer.allocate(48);
        pdu.put(0, (byte)0x01);
        pdu.put(1, (byte)(0x80 | (write ? 0x20 : 0) | (expectedIn > 0 ? 0x40 : 0) | 0x01)); // F, W, R, simple
        pdu.putInt(4, write ? dataOut.length : 0);
        final int tag = itt++;
        pdu.putInt(16, tag);
        pdu.putInt(20, write ? dataOut.length : expectedIn);
        pdu.putInt(24, cmdSN++);
        pdu.putInt(28, expStatSN);
        pdu.put(32, cdb, 0, cdb.length);
        send(pdu.array(), write ? dataOut : new byte[0]);
        final ByteArrayOutputStream dataIn = new ByteArrayOutputStream();
        while (true)
        {
            final ByteArrayOutputStream segment = new ByteArrayOutputStream();
            final byte[] header = readPdu(segment);
            final int opcode = header[0] & 0x3f;
            if (opcode == 0x25)
            {
                dataIn.writeBytes(segment.toByteArray());
                if ((header[1] & 0x01) != 0)
                {
                    return new Response(header[3] & 0xff, dataIn.toByteArray(), new byte[0]);
                }
            }
            else if (opcode == 0x21)
            {
                final byte[] sense = segment.size() >= 2 ? java.util.Arrays.copyOfRange(segment.toByteArray(), 2, segment.size()) : new byte[0];
                return new Response(header[3] & 0xff, dataIn.toByteArray(), sense);
            }
            else if (opcode != 0x20 && opcode != 0x32)
            {
                throw new IOException("unexpected PDU 0x" + Integer.toHexString(opcode));
            }
        }
    }

    private void send(final byte[] header, final byte[] data) throws IOException
    {
        out.write(header);
        out.write(data);
        out.write(new byte[-data.length & 3]);
        out.flush();
    }

    private byte[] readPdu(final ByteArrayOutputStream segment) throws IOException
    {
        final byte[] header = new byte[48];
        in.readFully(header);
        final ByteBuffer h = ByteBuffer.wrap(header);
        in.skipNBytes((header[4] & 0xff) * 4L);
        final int length = h.getInt(4) & 0xffffff;
        final byte[] data = new byte[length];
        in.readFully(data);
        in.skipNBytes(-length & 3);
        if (segment != null)
        {
            segment.writeBytes(data);
        }
        expStatSN = h.getInt(24) + 1;
        return header;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
