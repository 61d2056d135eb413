package io.cistern.node.api;

import io.cistern.actors.volume.VolumeException;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * What an API call comes to: its status and document, or a refusal made an HTTP status with
 * {@code {"error": "..."}} (a {@link VolumeException}'s kind says which; anything else is a 500).
 */
record ApiOutcome(StatusCode status, Object body)
{
    static ApiOutcome of(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        if (cause instanceof VolumeException v)
        {
            final StatusCode status = switch (v.kind())
            {
                case BAD_REQUEST -> StatusCodes.BAD_REQUEST;
                case NOT_FOUND -> StatusCodes.NOT_FOUND;
                case CONFLICT -> StatusCodes.CONFLICT;
                case INSUFFICIENT_CAPACITY -> StatusCodes.INSUFFICIENT_STORAGE;
                case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
            };
            return new ApiOutcome(status, Map.of("error", v.getMessage()));
        }
        return new ApiOutcome(StatusCodes.INTERNAL_SERVER_ERROR, Map.of("error", String.valueOf(cause)));
    }
}
