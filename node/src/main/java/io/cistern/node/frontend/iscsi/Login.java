package io.cistern.node.frontend.iscsi;

import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The login phase of one connection (RFC 7143 sections 6.3, 11.12, 11.13): the security stage (who the
 * initiator is, which target it wants, how it authenticates), the operational stage ({@link Negotiation}),
 * and the step into the full feature phase. A normal session opens its volume here, so that a target that
 * cannot be served fails the login, not the first command.
 * <p>
 * A login that breaks the rules gets a login response with the status that says why, and the connection
 * is closed (section 6.9: the target MUST close it after a login reject).
 */
final class Login
{
    /** What the login settled: a discovery session, or a normal session on an open volume. */
    record Session(String initiatorName, byte[] isid, int tsih, String targetName, VolumeIo volume, Negotiation parameters)
    {
        boolean discovery()
        {
            return volume == null;
        }
    }

    private final PduReader in;
    private final PduWriter out;
    private final CommandWindow window;
    private final VolumeCatalog catalog;
    private final io.cistern.node.volume.VolumeReservations reservations;
    private final String client;
    private final Portal portal;
    private final Negotiation negotiation = new Negotiation();
    /** The CHAP exchange, or null when the target asks for no authentication. */
    private final Chap chap;
    private boolean authOffered;
    private String chapName;
    private String chapResponse;
    private final ByteBuffer text = ByteBuffer.allocate(Iscsi.MAX_TEXT);
    private volatile boolean opening;
    private String refusal;

    private String initiatorName;
    private String targetName;
    private String volumeName;
    private VolumeIo volume;
    private boolean discovery;
    private boolean declared;
    private final byte[] isid = new byte[6];
    private String attachedAs;

    Login(final PduReader in, final PduWriter out, final CommandWindow window, final VolumeCatalog catalog,
          final io.cistern.node.volume.VolumeReservations reservations, final String client, final Portal portal,
          final io.cistern.config.IscsiSettings.Chap credentials)
    {
        this.reservations = reservations;
        this.chap = credentials == null ? null : new Chap(credentials);
        this.in = in;
        this.out = out;
        this.window = window;
        this.catalog = catalog;
        this.client = client;
        this.portal = portal;
    }

    /** Whether the login waits for the server (a volume being opened), not for the initiator. */
    boolean opening()
    {
        return opening;
    }

    /** Why the login was refused (null if it was not). */
    String refusal()
    {
        return refusal;
    }

    /** The volume opened for the session, if the login failed after opening it (so the caller closes it). */
    VolumeIo openedVolume()
    {
        return volume;
    }

    String volumeName()
    {
        return volumeName;
    }

    /** The client id the session attached to its volume as. */
    String attachedAs()
    {
        return attachedAs;
    }

    /** Runs the login; the session it settled, or null if it was refused (the response has gone out). */
    Session run(final int tsih) throws IOException
    {
        final ByteBuffer h = in.header;
        boolean first = true;
        int stage = -1;
        while (true)
        {
            in.readHeader();
            if (Bhs.opcode(h) != Iscsi.LOGIN_REQUEST)
            {
                return refuse(Iscsi.LOGIN_INVALID_DURING_LOGIN, "a " + opcodeName(Bhs.opcode(h)) + " PDU came before the login ended", isid, stage);
            }
            final int flags = Bhs.flags(h);
            final boolean transit = (flags & Iscsi.FINAL) != 0;
            final boolean more = (flags & Iscsi.CONTINUE) != 0;
            final int current = (flags >>> 2) & 0x03;
            final int next = flags & 0x03;
            final int length = Bhs.dataLength(h);
            if (first)
            {
                h.get(8, isid);
                window.start(Bhs.word(h, 24));
                out.startStatus(Bhs.word(h, 28));
            }
            if (length > text.remaining())
            {
                in.skipData(length);
                return refuse(Iscsi.LOGIN_INITIATOR_ERROR, "its login keys are longer than " + Iscsi.MAX_TEXT + " bytes", isid, current);
            }
            in.readData(text, length);
            if ((h.get(3) & 0xff) > 0)
            {
                return refuse(Iscsi.LOGIN_UNSUPPORTED_VERSION, "it asks for iSCSI version " + (h.get(3) & 0xff) + " or later; this target speaks 0", isid, current);
            }
            if (first && (h.getShort(14) & 0xffff) != 0)
            {
                return refuse(Iscsi.LOGIN_SESSION_DOES_NOT_EXIST, "it adds a connection to session " + (h.getShort(14) & 0xffff) +
                    "; this target takes one connection per session", isid, current);
            }
            if (current == 2 || current == Iscsi.FULL_FEATURE || current < stage
                || transit && (next == 2 || next <= current))
            {
                return refuse(Iscsi.LOGIN_INITIATOR_ERROR, "it asks for stage " + current + " to " + next +
                    (transit ? " (transit)" : "") + " after stage " + stage, isid, current);
            }
            first = false;
            stage = current;
            if (more)
            {
                // The keys go on in the next PDU: answer with an empty response, as section 6.3 says.
                respond(false, current, 0, isid, 0, Map.of());
                continue;
            }
            text.flip();
            final TextKeys.Parsed parsed = TextKeys.parse(text, text.remaining());
            text.clear();
            if (parsed.problem() != null)
            {
                return refuse(Iscsi.LOGIN_INITIATOR_ERROR, "its login keys are malformed: " + parsed.problem(), isid, current);
            }
            final Map<String, String> answers = new LinkedHashMap<>();
            final String problem = keys(parsed.keys(), answers, current);
            if (problem != null)
            {
                return refuse(status, problem, isid, current);
            }
            if (chap != null && !chap.authenticated())
            {
                if (current != Iscsi.SECURITY)
                {
                    return refuse(Iscsi.LOGIN_AUTHENTICATION_FAILED, "it skips the security stage, and this target requires CHAP", isid, current);
                }
                if (transit && !authOffered)
                {
                    return refuse(Iscsi.LOGIN_AUTHENTICATION_FAILED, "it leaves the security stage without AuthMethod=CHAP, " +
                        "which this target requires", isid, current);
                }
                // Not authenticated yet: stay in the security stage (T=0) for the exchange to go on.
                respond(false, current, 0, isid, 0, answers);
                continue;
            }
            if (current == Iscsi.OPERATIONAL && !declared || transit && next == Iscsi.FULL_FEATURE && !declared)
            {
                // Declarative: how much this target takes in one data segment.
                answers.put("MaxRecvDataSegmentLength", Integer.toString(Iscsi.MAX_RECV_DATA_SEGMENT));
                declared = true;
            }
            if (transit && next == Iscsi.FULL_FEATURE)
            {
                respond(true, current, next, isid, tsih, answers);
                return new Session(initiatorName, isid, tsih, targetName, volume, negotiation);
            }
            respond(transit, current, next, isid, 0, answers);
        }
    }

    private int status;

    /** Takes the keys of one login request; null, or why the login fails (then {@link #status} says how). */
    private String keys(final Map<String, String> keys, final Map<String, String> answers, final int stage)
    {
        final boolean firstKeys = initiatorName == null;
        for (final Map.Entry<String, String> e : keys.entrySet())
        {
            final String key = e.getKey();
            final String value = e.getValue();
            switch (key)
            {
                case "InitiatorName" -> initiatorName = value;
                case "InitiatorAlias", "TargetAlias" ->
                {
                    // declarative, for the initiator's records
                }
                case "SessionType" ->
                {
                    if (!value.equals("Normal") && !value.equals("Discovery"))
                    {
                        status = Iscsi.LOGIN_INITIATOR_ERROR;
                        return "SessionType=" + value + " is neither Normal nor Discovery";
                    }
                    discovery = value.equals("Discovery");
                }
                case "TargetName" -> targetName = value;
                case "AuthMethod" ->
                {
                    final List<String> offered = List.of(value.split(","));
                    if (chap != null)
                    {
                        if (!offered.contains("CHAP"))
                        {
                            status = Iscsi.LOGIN_AUTHENTICATION_FAILED;
                            return "it offers AuthMethod=" + value + ", and this target requires CHAP";
                        }
                        answers.put(key, "CHAP");
                        authOffered = true;
                    }
                    else
                    {
                        if (!offered.contains("None"))
                        {
                            status = Iscsi.LOGIN_AUTHENTICATION_FAILED;
                            return "it offers AuthMethod=" + value + " but not None, and this target has no CHAP secret configured";
                        }
                        answers.put(key, "None");
                    }
                }
                case "CHAP_A" ->
                {
                    if (chap == null || !authOffered)
                    {
                        status = Iscsi.LOGIN_INITIATOR_ERROR;
                        return "it sends CHAP_A without having agreed on AuthMethod=CHAP";
                    }
                    final String problem = chap.algorithms(value, answers);
                    if (problem != null)
                    {
                        status = Iscsi.LOGIN_AUTHENTICATION_FAILED;
                        return problem;
                    }
                }
                case "CHAP_N" -> chapName = value;
                case "CHAP_R" -> chapResponse = value;
                case "CHAP_I", "CHAP_C" ->
                {
                    status = Iscsi.LOGIN_AUTHENTICATION_FAILED;
                    return "it asks the target to authenticate itself (mutual CHAP), which is not configured";
                }
                default ->
                {
                    final String answer = negotiation.answer(key, value);
                    if (answer != null)
                    {
                        answers.put(key, answer);
                    }
                }
            }
        }
        if (chapResponse != null || chapName != null)
        {
            final String problem = chap == null ? "it sends CHAP_N/CHAP_R to a target without CHAP" : chap.respond(chapName, chapResponse);
            chapName = null;
            chapResponse = null;
            if (problem != null)
            {
                status = Iscsi.LOGIN_AUTHENTICATION_FAILED;
                return problem;
            }
        }
        if (initiatorName == null || initiatorName.isEmpty())
        {
            status = Iscsi.LOGIN_MISSING_PARAMETER;
            return "its first login request names no InitiatorName";
        }
        if (firstKeys && !discovery)
        {
            if (targetName == null)
            {
                status = Iscsi.LOGIN_MISSING_PARAMETER;
                return "a normal session names no TargetName";
            }
            // The first response of a normal session names the portal group (section 13.9).
            answers.put("TargetPortalGroupTag", Integer.toString(portal.groupTag()));
        }
        if (!discovery && volume == null && (chap == null || chap.authenticated()))
        {
            // Opened (and attached) only for an initiator that proved itself, if the target asks it to.
            return open();
        }
        return null;
    }

    /** Opens the volume the target name names; null, or why not. */
    private String open()
    {
        final String wanted = targetName.toLowerCase(java.util.Locale.ROOT);
        if (!wanted.startsWith(Iscsi.IQN_PREFIX))
        {
            status = Iscsi.LOGIN_NOT_FOUND;
            return "target " + targetName + " is not a Cistern target (" + Iscsi.IQN_PREFIX + "<volume>)";
        }
        opening = true;
        try
        {
            String match = null;
            for (final String name : catalog.names())
            {
                if (Iscsi.targetName(name).equals(wanted))
                {
                    if (match != null)
                    {
                        status = Iscsi.LOGIN_NOT_FOUND;
                        return "target " + targetName + " names two volumes, " + match + " and " + name +
                            " (iSCSI names are not case-sensitive): rename one";
                    }
                    match = name;
                }
            }
            // The attachment names the initiator port and this node's portal group too ({@code volume attachments}).
            attachedAs = client + "[" + initiatorName + ",i,0x" + java.util.HexFormat.of().formatHex(isid) + ";" + portal.groupTag() + "]";
            if (match == null || (volume = catalog.open(match, attachedAs)) == null)
            {
                status = Iscsi.LOGIN_NOT_FOUND;
                return "there is no volume for target " + targetName;
            }
            volumeName = match;
            if (!reservations.refresh(volume.id()))
            {
                status = Iscsi.LOGIN_SERVICE_UNAVAILABLE;
                return "the persistent reservations of volume " + match + " could not be read from the cluster; try again";
            }
            return null;
        }
        catch (final VolumeCatalog.OpenRefused ex)
        {
            status = Iscsi.LOGIN_SERVICE_UNAVAILABLE;
            return ex.getMessage();
        }
        finally
        {
            opening = false;
        }
    }

    private Session refuse(final int statusCode, final String why, final byte[] isid, final int stage) throws IOException
    {
        refusal = why;
        final ByteBuffer h = out.start(Iscsi.LOGIN_RESPONSE, Math.max(stage, 0) << 2, 0);
        header(h, isid, 0);
        h.put(36, (byte)(statusCode >>> 8)).put(37, (byte)statusCode);
        out.send(null, true);
        return null;
    }

    private void respond(final boolean transit, final int current, final int next, final byte[] isid, final int tsih,
                         final Map<String, String> answers) throws IOException
    {
        final byte[] data = TextKeys.encode(answers);
        final ByteBuffer h = out.start(Iscsi.LOGIN_RESPONSE, (transit ? Iscsi.FINAL | next : 0) | current << 2, data.length);
        header(h, isid, tsih);
        out.send(ByteBuffer.wrap(data), true);
    }

    private void header(final ByteBuffer h, final byte[] isid, final int tsih)
    {
        h.put(2, (byte)0).put(3, (byte)0); // version max, version active
        h.put(8, isid);
        h.putShort(14, (short)tsih);
        h.putInt(16, Bhs.itt(in.header));
    }

    static String opcodeName(final int opcode)
    {
        return switch (opcode)
        {
            case Iscsi.NOP_OUT -> "NOP-Out";
            case Iscsi.SCSI_COMMAND -> "SCSI Command";
            case Iscsi.TASK_MANAGEMENT -> "Task Management";
            case Iscsi.LOGIN_REQUEST -> "Login";
            case Iscsi.TEXT_REQUEST -> "Text";
            case Iscsi.DATA_OUT -> "Data-Out";
            case Iscsi.LOGOUT_REQUEST -> "Logout";
            case Iscsi.SNACK -> "SNACK";
            default -> String.format("opcode 0x%02x", opcode);
        };
    }
}
