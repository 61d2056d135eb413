package io.cistern.node.frontend.iscsi;

import io.cistern.config.IscsiSettings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One-way CHAP with MD5 (RFC 7143 section 12.1.3, RFC 1994): the target sends an identifier and a random
 * challenge; the initiator answers with its name and MD5(identifier, secret, challenge). The secret never
 * crosses the wire. One exchange per login.
 */
final class Chap
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MD5 = "5";

    private final IscsiSettings.Chap credentials;
    private int identifier = -1;
    private byte[] challenge;
    private boolean authenticated;

    Chap(final IscsiSettings.Chap credentials)
    {
        this.credentials = credentials;
    }

    boolean authenticated()
    {
        return authenticated;
    }

    /** CHAP_A: the algorithms the initiator offers. Adds the challenge to {@code answers}; null, or why the login fails. */
    String algorithms(final String offered, final Map<String, String> answers)
    {
        if (!List.of(offered.split(",")).contains(MD5))
        {
            return "it offers CHAP_A=" + offered + ", not 5 (MD5), the only algorithm this target has";
        }
        identifier = RANDOM.nextInt(256);
        challenge = new byte[16];
        RANDOM.nextBytes(challenge);
        answers.put("CHAP_A", MD5);
        answers.put("CHAP_I", Integer.toString(identifier));
        answers.put("CHAP_C", "0x" + HexFormat.of().formatHex(challenge));
        return null;
    }

    /** CHAP_N and CHAP_R: null if they prove the secret, else why not. */
    String respond(final String name, final String response)
    {
        if (challenge == null)
        {
            return "it sends CHAP_R before the target's challenge (CHAP_A first)";
        }
        if (name == null || response == null)
        {
            return "it sends " + (name == null ? "CHAP_R without CHAP_N" : "CHAP_N without CHAP_R");
        }
        final byte[] answer = decode(response);
        if (answer == null)
        {
            return "its CHAP_R is neither 0x-hex nor 0b-base64";
        }
        final boolean ok = name.equals(credentials.user()) && MessageDigest.isEqual(answer, expected());
        challenge = null; // one response per challenge
        if (!ok)
        {
            return "CHAP authentication failed for name '" + name + "' (wrong name or secret)";
        }
        authenticated = true;
        return null;
    }

    private byte[] expected()
    {
        try
        {
            final MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update((byte)identifier);
            md5.update(credentials.secret().getBytes(StandardCharsets.UTF_8));
            md5.update(challenge);
            return md5.digest();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("the JDK has no MD5", ex);
        }
    }

    /** A binary value of RFC 7143 section 6.1: 0x hex or 0b base64. */
    static byte[] decode(final String value)
    {
        try
        {
            if (value.startsWith("0x") || value.startsWith("0X"))
            {
                final String hex = value.substring(2);
                return HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : "0" + hex);
            }
            if (value.startsWith("0b") || value.startsWith("0B"))
            {
                return Base64.getDecoder().decode(value.substring(2));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
        return null;
    }
}
