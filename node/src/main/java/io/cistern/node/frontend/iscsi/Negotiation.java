package io.cistern.node.frontend.iscsi;

import java.util.Map;

/**
 * The operational parameters of a session (RFC 7143 section 13) as this target negotiates them: for each
 * key an initiator offers, the answer, by the key's own rule (the lower, the higher, the AND or the OR of
 * both sides' values). The outcome is the session's parameters. A pure function of what was offered.
 * <p>
 * What this target offers: no digests (TCP's checksum and Cistern's per-block CRC32C cover the bytes);
 * one connection per session; error recovery level 0 (a broken connection ends the session, and the
 * initiator logs in again); unsolicited data and immediate data as the initiator likes; one R2T
 * outstanding per command.
 */
final class Negotiation
{
    static final int MAX_BURST = 1 << 20;
    static final int FIRST_BURST = 256 * 1024;

    // What was negotiated (RFC 7143's defaults until a key says otherwise).
    int initiatorMaxRecvDataSegment = 8192;
    int maxBurstLength = 262_144;
    int firstBurstLength = 65_536;
    boolean initialR2T = true;
    boolean immediateData = true;

    /** Why the last key was rejected, for the log. */
    String rejected;

    /** The answer to {@code key}={@code value}, or null if it needs none (a declaration, or an answer-less value). */
    String answer(final String key, final String value)
    {
        rejected = null;
        if (value.equals("NotUnderstood") || value.equals("Irrelevant") || value.equals("Reject"))
        {
            return null;
        }
        switch (key)
        {
            case "HeaderDigest", "DataDigest":
                for (final String choice : value.split(","))
                {
                    if (choice.equals("None"))
                    {
                        return "None";
                    }
                }
                return reject(key + "=" + value + " offers no None, and this target computes no digests");
            case "MaxConnections":
                return number(key, value, 1, 65535) == null ? reject(key) : "1";
            case "InitialR2T":
            {
                final Boolean yes = bool(value);
                if (yes == null)
                {
                    return reject(key);
                }
                initialR2T = yes; // OR with ours (No)
                return yes ? "Yes" : "No";
            }
            case "ImmediateData":
            {
                final Boolean yes = bool(value);
                if (yes == null)
                {
                    return reject(key);
                }
                immediateData = yes; // AND with ours (Yes)
                return yes ? "Yes" : "No";
            }
            case "MaxRecvDataSegmentLength":
            {
                final Long n = number(key, value, 512, 16_777_215);
                if (n == null)
                {
                    return reject(key);
                }
                initiatorMaxRecvDataSegment = n.intValue(); // declarative: what the initiator receives
                return null;
            }
            case "MaxBurstLength":
            {
                final Long n = number(key, value, 512, 16_777_215);
                if (n == null)
                {
                    return reject(key);
                }
                maxBurstLength = (int)Math.min(n, MAX_BURST);
                firstBurstLength = Math.min(firstBurstLength, maxBurstLength);
                return Integer.toString(maxBurstLength);
            }
            case "FirstBurstLength":
            {
                final Long n = number(key, value, 512, 16_777_215);
                if (n == null)
                {
                    return reject(key);
                }
                firstBurstLength = (int)Math.min(n, FIRST_BURST);
                return Integer.toString(firstBurstLength);
            }
            case "DefaultTime2Wait":
            {
                final Long n = number(key, value, 0, 3600);
                return n == null ? reject(key) : Long.toString(n); // the higher of both; ours is 0
            }
            case "DefaultTime2Retain":
                return number(key, value, 0, 3600) == null ? reject(key) : "0"; // nothing is retained at level 0
            case "MaxOutstandingR2T":
                return number(key, value, 1, 65535) == null ? reject(key) : "1";
            case "DataPDUInOrder", "DataSequenceInOrder":
                return bool(value) == null ? reject(key) : "Yes"; // OR with ours (Yes)
            case "ErrorRecoveryLevel":
                return number(key, value, 0, 2) == null ? reject(key) : "0";
            case "IFMarker", "OFMarker":
                return bool(value) == null ? reject(key) : "No"; // RFC 3720's markers: AND with ours (No)
            case "IFMarkInt", "OFMarkInt":
                return "Irrelevant";
            case "TaskReporting":
                return "RFC3720";
            case "iSCSIProtocolLevel":
            {
                final Long n = number(key, value, 0, 31);
                return n == null ? reject(key) : Long.toString(Math.min(n, 1));
            }
            default:
                return "NotUnderstood";
        }
    }

    /** Answers every operational key in {@code offered} into {@code answers}; false if one was rejected. */
    boolean answerAll(final Map<String, String> offered, final Map<String, String> answers)
    {
        boolean ok = true;
        for (final Map.Entry<String, String> e : offered.entrySet())
        {
            final String answer = answer(e.getKey(), e.getValue());
            if (answer != null)
            {
                answers.put(e.getKey(), answer);
            }
            ok &= rejected == null;
        }
        return ok;
    }

    private String reject(final String why)
    {
        rejected = why;
        return "Reject";
    }

    private static Boolean bool(final String value)
    {
        return value.equals("Yes") ? Boolean.TRUE : value.equals("No") ? Boolean.FALSE : null;
    }

    /** A number in decimal or hex (section 5.1), within bounds, or null. */
    private static Long number(final String key, final String value, final long min, final long max)
    {
        try
        {
            final long n = value.startsWith("0x") || value.startsWith("0X")
                ? Long.parseLong(value.substring(2), 16) : Long.parseLong(value);
            return n >= min && n <= max ? n : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
