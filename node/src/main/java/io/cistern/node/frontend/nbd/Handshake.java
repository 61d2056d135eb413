package io.cistern.node.frontend.nbd;

import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The fixed newstyle handshake ("Newstyle negotiation" in proto.md): greeting, client flags, then
 * option haggling until the client picks an export (NBD_OPT_GO or NBD_OPT_EXPORT_NAME) or leaves.
 * Options we do not speak get NBD_REP_ERR_UNSUP and haggling goes on; an unknown export gets
 * NBD_REP_ERR_UNKNOWN. Option payloads are bounded before anything is read into memory.
 */
final class Handshake
{
    /** An export chosen for transmission. */
    record Chosen(String name, VolumeIo device)
    {
    }

    private static final int MAX_OPTION_LENGTH = 4096;

    private final SocketChannel channel;
    private final VolumeCatalog exports;
    private final String client;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_OPTION_LENGTH + 64).order(ByteOrder.BIG_ENDIAN);
    private boolean noZeroes;
    /** Why the handshake ended without an export when the client broke the protocol; null otherwise. */
    private String refusal;
    /** True while the server, not the client, is taking its time: opening (attaching) a volume. */
    private volatile boolean opening;

    Handshake(final SocketChannel channel, final VolumeCatalog exports, final String client)
    {
        this.channel = channel;
        this.exports = exports;
        this.client = client;
    }

    /** Whether the server is opening a volume for the client: the handshake's deadline does not run meanwhile. */
    boolean opening()
    {
        return opening;
    }

    /** Why the last {@link #run} closed the connection for a protocol violation; null if it did not. */
    String refusal()
    {
        return refusal;
    }

    /** @return the export chosen, or null if the client aborted or asked for an export that cannot be served. */
    Chosen run() throws IOException
    {
        buffer.clear();
        buffer.putLong(Nbd.NBDMAGIC).putLong(Nbd.IHAVEOPT).putShort((short)(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES));
        send();
        final int clientFlags = receive(4).getInt();
        if ((clientFlags & Nbd.FLAG_C_FIXED_NEWSTYLE) == 0)
        {
            // Plain newstyle clients cannot be told about errors; fixed newstyle is all we speak.
            return null;
        }
        if ((clientFlags & ~(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES)) != 0)
        {
            // "Client flags": a flag the server does not know means the server MUST close the connection.
            refusal = "client flags 0x" + Integer.toHexString(clientFlags) + " include ones this server does not know";
            return null;
        }
        noZeroes = (clientFlags & Nbd.FLAG_C_NO_ZEROES) != 0;
        while (true)
        {
            final ByteBuffer header = receive(16);
            final long magic = header.getLong();
            final int option = header.getInt();
            final long length = Integer.toUnsignedLong(header.getInt());
            if (magic != Nbd.IHAVEOPT)
            {
                refusal = "an option header with magic 0x" + Long.toHexString(magic) + " instead of IHAVEOPT";
                return null;
            }
            if (length > MAX_OPTION_LENGTH)
            {
                // Reading (or skipping) a length off the wire would let a client hold the connection for as
                // long as it likes to send it: say why and close at once.
                refusal = "option " + option + " declares " + length + " bytes of data, more than " + MAX_OPTION_LENGTH;
                reply(option, Nbd.REP_ERR_TOO_BIG, refusal);
                return null;
            }
            final ByteBuffer data = receive((int)length);
            switch (option)
            {
                case Nbd.OPT_EXPORT_NAME:
                {
                    final Chosen chosen = exportName(data);
                    if (chosen != null)
                    {
                        return chosen;
                    }
                    return null; // the protocol has no error reply for EXPORT_NAME: the connection closes
                }
                case Nbd.OPT_ABORT:
                    reply(option, Nbd.REP_ACK, null);
                    return null;
                case Nbd.OPT_LIST:
                    list(option, (int)length);
                    break;
                case Nbd.OPT_INFO:
                case Nbd.OPT_GO:
                {
                    final Chosen chosen = infoOrGo(option, data);
                    if (chosen != null)
                    {
                        return chosen;
                    }
                    break;
                }
                default:
                    reply(option, Nbd.REP_ERR_UNSUP, "option " + option + " is not supported");
            }
        }
    }

    private Chosen exportName(final ByteBuffer data) throws IOException
    {
        final String name = StandardCharsets.UTF_8.decode(data).toString();
        final VolumeIo device = open(name);
        if (device == null)
        {
            return null;
        }
        try
        {
            buffer.clear();
            buffer.putLong(device.size()).putShort((short)transmissionFlags(device));
            if (!noZeroes)
            {
                buffer.put(new byte[124]);
            }
            send();
        }
        catch (final IOException | RuntimeException ex)
        {
            exports.close(name, client, device); // opened (attached) but never served
            throw ex;
        }
        return new Chosen(name, device);
    }

    private void list(final int option, final int length) throws IOException
    {
        if (length != 0)
        {
            reply(option, Nbd.REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
            return;
        }
        for (final String name : exports.names())
        {
            final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            final ByteBuffer entry = ByteBuffer.allocate(4 + bytes.length).order(ByteOrder.BIG_ENDIAN);
            entry.putInt(bytes.length).put(bytes).flip();
            replyWith(option, Nbd.REP_SERVER, entry);
        }
        reply(option, Nbd.REP_ACK, null);
    }

    private Chosen infoOrGo(final int option, final ByteBuffer data) throws IOException
    {
        if (data.remaining() < 6)
        {
            reply(option, Nbd.REP_ERR_INVALID, "truncated NBD_OPT_INFO/GO request");
            return null;
        }
        final int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > data.remaining() - 2)
        {
            reply(option, Nbd.REP_ERR_INVALID, "export name length " + nameLength + " overruns the option");
            return null;
        }
        final byte[] nameBytes = new byte[nameLength];
        data.get(nameBytes);
        final String name = new String(nameBytes, StandardCharsets.UTF_8);
        final int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != requests * 2)
        {
            reply(option, Nbd.REP_ERR_INVALID, "information request count does not match the option length");
            return null;
        }
        boolean wantsName = false;
        for (int i = 0; i < requests; i++)
        {
            wantsName |= data.getShort() == Nbd.INFO_NAME;
        }
        final VolumeIo device;
        try
        {
            opening = true;
            device = exports.open(name, client);
        }
        catch (final VolumeCatalog.OpenRefused ex)
        {
            opening = false;
            reply(option, Nbd.REP_ERR_POLICY, ex.getMessage());
            return null;
        }
        opening = false;
        if (device == null)
        {
            reply(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return null;
        }
        try
        {
            return chosenAfterInfo(option, name, device, wantsName);
        }
        catch (final IOException | RuntimeException ex)
        {
            exports.close(name, client, device); // opened (attached) but never served
            throw ex;
        }
    }

    private Chosen chosenAfterInfo(final int option, final String name, final VolumeIo device, final boolean wantsName)
        throws IOException
    {
        final ByteBuffer info = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        info.putShort((short)Nbd.INFO_EXPORT).putLong(device.size()).putShort((short)transmissionFlags(device)).flip();
        replyWith(option, Nbd.REP_INFO, info);
        info.clear();
        // Any alignment works (partial blocks are read-modify-written), 4 KiB is what extents checksum.
        info.putShort((short)Nbd.INFO_BLOCK_SIZE).putInt(1).putInt(4096).putInt(Nbd.MAX_PAYLOAD).flip();
        replyWith(option, Nbd.REP_INFO, info);
        if (wantsName)
        {
            final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            final ByteBuffer named = ByteBuffer.allocate(2 + bytes.length).order(ByteOrder.BIG_ENDIAN);
            named.putShort((short)Nbd.INFO_NAME).put(bytes).flip();
            replyWith(option, Nbd.REP_INFO, named);
        }
        reply(option, Nbd.REP_ACK, null);
        if (option == Nbd.OPT_GO)
        {
            return new Chosen(name, device);
        }
        exports.close(name, client, device);
        return null;
    }

    private VolumeIo open(final String name)
    {
        try
        {
            opening = true;
            return exports.open(name, client);
        }
        catch (final VolumeCatalog.OpenRefused ex)
        {
            return null;
        }
        finally
        {
            opening = false;
        }
    }

    static int transmissionFlags(final VolumeIo device)
    {
        int flags = Nbd.TFLAG_HAS_FLAGS | Nbd.TFLAG_SEND_FLUSH | Nbd.TFLAG_SEND_FUA | Nbd.TFLAG_SEND_TRIM |
            Nbd.TFLAG_SEND_WRITE_ZEROES;
        if (device.flushCoversAllConnections())
        {
            flags |= Nbd.TFLAG_CAN_MULTI_CONN;
        }
        return flags;
    }

    private void reply(final int option, final int type, final String message) throws IOException
    {
        final byte[] text = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        // A message quoting a client's (up to 4 KiB) name must still fit the reply buffer.
        final ByteBuffer data = ByteBuffer.wrap(text, 0, Math.min(text.length, 1024));
        replyWith(option, type, data);
    }

    private void replyWith(final int option, final int type, final ByteBuffer data) throws IOException
    {
        buffer.clear();
        buffer.putLong(Nbd.REPLY_MAGIC).putInt(option).putInt(type).putInt(data.remaining()).put(data);
        send();
    }

    private void send() throws IOException
    {
        buffer.flip();
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    private ByteBuffer receive(final int length) throws IOException
    {
        buffer.clear().limit(length);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new EOFException("client closed the connection during the handshake");
            }
        }
        buffer.flip();
        return buffer;
    }
}
