package io.cistern.node.frontend.iscsi;

import io.cistern.node.volume.VolumeCatalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Text requests (RFC 7143 sections 11.10, 11.11), chiefly SendTargets (appendix C): every volume is a
 * target, reachable through every node's portal, so an initiator that discovers through one node learns
 * every path. A response longer than the initiator takes in one segment goes out in parts, each fetched
 * by an empty request that carries the part's target transfer tag.
 */
final class Discovery
{
    private final VolumeCatalog catalog;
    private final Supplier<List<Portal>> portals;
    private final ByteBuffer request = ByteBuffer.allocate(Iscsi.MAX_TEXT);
    private ByteBuffer pending;
    private int pendingTag = Iscsi.RESERVED_TAG;
    private int nextTag = 1;

    Discovery(final VolumeCatalog catalog, final Supplier<List<Portal>> portals)
    {
        this.catalog = catalog;
        this.portals = portals;
    }

    void text(final PduReader in, final PduWriter out, final int length, final Login.Session session) throws IOException
    {
        final ByteBuffer h = in.header;
        final int itt = Bhs.itt(h);
        final int tag = Bhs.word(h, 20);
        final boolean more = (Bhs.flags(h) & Iscsi.CONTINUE) != 0;
        if (length > request.remaining())
        {
            in.skipData(length);
            request.clear();
            respond(out, h, itt, Map.of(), true);
            return;
        }
        in.readData(request, length);
        if (tag != Iscsi.RESERVED_TAG && tag == pendingTag && pending != null)
        {
            request.clear();
            sendPart(out, h, itt, session);
            return;
        }
        if (more)
        {
            // The request goes on in the next PDU: an empty answer asks for it (section 11.10.2).
            respondRaw(out, h, itt, ByteBuffer.allocate(0), false, nextTag++);
            return;
        }
        request.flip();
        final TextKeys.Parsed parsed = TextKeys.parse(request, request.remaining());
        request.clear();
        final Map<String, String> answers = new LinkedHashMap<>();
        final StringBuilder targets = new StringBuilder();
        for (final Map.Entry<String, String> e : parsed.keys().entrySet())
        {
            if (e.getKey().equals("SendTargets"))
            {
                sendTargets(e.getValue(), session, targets);
            }
            else
            {
                answers.put(e.getKey(), "NotUnderstood");
            }
        }
        final byte[] rest = TextKeys.encode(answers);
        final byte[] listed = targets.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pending = ByteBuffer.allocate(listed.length + rest.length).put(listed).put(rest).flip();
        sendPart(out, h, itt, session);
    }

    private void sendTargets(final String value, final Login.Session session, final StringBuilder text)
    {
        final List<String> volumes;
        if (value.equals("All"))
        {
            if (!session.discovery())
            {
                return; // section 11.10.2: All only in a discovery session
            }
            volumes = catalog.names();
        }
        else if (value.isEmpty())
        {
            volumes = session.discovery() ? List.of() : List.of(session.targetName().substring(Iscsi.IQN_PREFIX.length()));
        }
        else
        {
            final String wanted = value.toLowerCase(java.util.Locale.ROOT);
            volumes = catalog.names().stream().filter(name -> Iscsi.targetName(name).equals(wanted)).toList();
        }
        final List<Portal> all = portals.get();
        for (final String volume : volumes)
        {
            text.append("TargetName=").append(Iscsi.targetName(volume)).append('\0');
            for (final Portal portal : all)
            {
                text.append("TargetAddress=").append(portal.address()).append('\0');
            }
        }
    }

    private void sendPart(final PduWriter out, final ByteBuffer h, final int itt, final Login.Session session) throws IOException
    {
        final int segment = session.parameters().initiatorMaxRecvDataSegment;
        final ByteBuffer part = pending.duplicate();
        final boolean last = pending.remaining() <= segment;
        part.limit(part.position() + Math.min(segment, pending.remaining()));
        pending.position(part.limit());
        if (last)
        {
            pending = null;
            pendingTag = Iscsi.RESERVED_TAG;
        }
        else
        {
            pendingTag = nextTag++;
        }
        respondRaw(out, h, itt, part, last, last ? Iscsi.RESERVED_TAG : pendingTag);
    }

    private void respond(final PduWriter out, final ByteBuffer h, final int itt, final Map<String, String> keys, final boolean last)
        throws IOException
    {
        respondRaw(out, h, itt, ByteBuffer.wrap(TextKeys.encode(keys)), last, Iscsi.RESERVED_TAG);
    }

    private static void respondRaw(final PduWriter out, final ByteBuffer h, final int itt, final ByteBuffer data,
                                   final boolean last, final int tag) throws IOException
    {
        final long lun = Bhs.lun(h);
        synchronized (out)
        {
            final ByteBuffer r = out.start(Iscsi.TEXT_RESPONSE, last ? Iscsi.FINAL : Iscsi.CONTINUE, data.remaining());
            r.putLong(8, lun);
            r.putInt(16, itt);
            r.putInt(20, tag);
            out.send(data, true);
        }
    }
}
