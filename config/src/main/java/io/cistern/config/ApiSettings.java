package io.cistern.config;

/**
 * The node's admin API ({@code /api/v1}).
 *
 * @param token the bearer token every {@code /api/v1} request must carry ({@code Authorization: Bearer TOKEN}); null
 *              for none. {@code /alive}, {@code /ready} and {@code /metrics} stay open: probes and scrapers hold no
 *              secret.
 */
public record ApiSettings(String token)
{
    /** Long enough not to guess: what `cistern up` generates is 43 characters. */
    static final int MIN_TOKEN_LENGTH = 16;

    static ApiSettings read(final ConfigValues values)
    {
        final String token = values.string("cistern.api.token");
        if (token == null || token.isEmpty())
        {
            return new ApiSettings(null);
        }
        // RFC 6750's token68 characters: what an Authorization header carries as it is.
        if (token.length() < MIN_TOKEN_LENGTH || !token.matches("[A-Za-z0-9._~+/-]+=*"))
        {
            // Not echoed: the value is a secret, even a bad one.
            values.problem("cistern.api.token", "(" + token.length() + " characters)",
                "a token is " + MIN_TOKEN_LENGTH + " or more letters, digits and . _ ~ + / - (then = padding)");
        }
        return new ApiSettings(token);
    }
}
