package io.cistern.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cistern.actors.qos.QosBook;
import io.cistern.actors.qos.QosPolicy;
import io.cistern.actors.qos.QosService;
import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.ByteSize;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code /api/v1/qos}: Storage QoS policies (list with every volume's figures, create, change, delete, the
 * normalisation unit) and {@code /api/v1/volumes/NAME/qos}: a volume's policy. Bodies are JSON with the
 * fields named in {@code openapi.json}; an unknown or malformed field is a 400 naming it.
 */
final class QosRoutes extends AllDirectives
{
    private static final List<String> POLICY_FIELDS = List.of("name", "type", "minIops", "maxIops", "maxBandwidth");
    private static final List<String> CHANGE_FIELDS = List.of("minIops", "maxIops", "maxBandwidth");
    private static final List<String> SETTINGS_FIELDS = List.of("normalizationSize");
    private static final List<String> ASSIGN_FIELDS = List.of("policy");

    private final ObjectMapper json;
    private final QosService qos;
    private final VolumeRoutes volumes;

    QosRoutes(final ActorSystem<?> system, final ObjectMapper json, final VolumeRoutes volumes)
    {
        this.json = json;
        this.qos = new QosService(system, Duration.ofSeconds(10));
        this.volumes = volumes;
    }

    Route routes()
    {
        return concat(
            pathPrefix("qos", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                    get(() -> reply(StatusCodes.OK, this::document)),
                    post(() -> entity(Unmarshaller.entityToString(), body -> reply(StatusCodes.CREATED, () -> create(body)))),
                    put(() -> entity(Unmarshaller.entityToString(), body -> reply(StatusCodes.OK, () -> settings(body)))))),
                path(policy -> concat(
                    get(() -> reply(StatusCodes.OK, () -> document().thenApply(d -> QosDocument.policy(d, policy)))),
                    put(() -> entity(Unmarshaller.entityToString(), body -> reply(StatusCodes.OK, () -> change(policy, body)))),
                    delete(() -> reply(StatusCodes.OK, () -> delete(policy))))))),
            pathPrefix("volumes", () -> pathPrefix(volume -> path("qos", () -> concat(
                put(() -> entity(Unmarshaller.entityToString(), body -> reply(StatusCodes.OK, () -> assign(volume, body)))),
                delete(() -> reply(StatusCodes.OK, () -> unassign(volume))))))));
    }

    private CompletionStage<Object> document()
    {
        return qos.status().thenCombine(volumes.list(), QosDocument::of);
    }

    private CompletionStage<Object> create(final String body)
    {
        final JsonNode request = parse(body, POLICY_FIELDS);
        final String name = request.path("name").asText(null);
        final String typed = request.path("type").asText("dedicated");
        final QosPolicy.Type type = QosPolicy.Type.parse(typed);
        if (type == null)
        {
            throw bad("type: '" + typed + "' is not a policy type; the types are dedicated and aggregated");
        }
        final QosPolicy policy = new QosPolicy(name, type, count(request, "minIops"), count(request, "maxIops"),
            bandwidth(request));
        return qos.put(policy, false).thenCompose(done -> document()).thenApply(d -> QosDocument.policy(d, name));
    }

    private CompletionStage<Object> change(final String name, final String body)
    {
        final JsonNode request = parse(body, CHANGE_FIELDS);
        return qos.status().thenCompose(status ->
        {
            final QosPolicy old = status.policies().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new VolumeException(VolumeException.Kind.NOT_FOUND, "there is no QoS policy " + name));
            final QosPolicy next = new QosPolicy(name, old.type(),
                request.has("minIops") ? count(request, "minIops") : old.minIops(),
                request.has("maxIops") ? count(request, "maxIops") : old.maxIops(),
                request.has("maxBandwidth") ? bandwidth(request) : old.maxBytesPerSecond());
            return qos.put(next, true);
        }).thenCompose(done -> document()).thenApply(d -> QosDocument.policy(d, name));
    }

    private CompletionStage<Object> delete(final String name)
    {
        return document().thenCompose(d ->
        {
            final Map<String, Object> policy = QosDocument.policy(d, name);
            @SuppressWarnings("unchecked") final List<String> on = (List<String>)policy.get("volumes");
            if (!on.isEmpty())
            {
                throw new VolumeException(VolumeException.Kind.CONFLICT, "QoS policy " + name + " is assigned to " +
                    String.join(", ", on) + "; unassign them first (cistern qos unassign VOLUME)");
            }
            return qos.delete(name).thenApply(done -> Map.of("deleted", name));
        });
    }

    private CompletionStage<Object> settings(final String body)
    {
        final JsonNode request = parse(body, SETTINGS_FIELDS);
        final JsonNode size = request.get("normalizationSize");
        if (size == null || size.isNull())
        {
            throw bad("'normalizationSize' is required, e.g. \"8K\"");
        }
        final long bytes = bytes(size, "normalizationSize");
        if (bytes > Integer.MAX_VALUE)
        {
            throw bad(io.cistern.actors.qos.QosState.normalizationProblem(bytes));
        }
        return qos.setNormalization((int)bytes).thenCompose(done -> document());
    }

    private CompletionStage<Object> assign(final String volume, final String body)
    {
        final JsonNode request = parse(body, ASSIGN_FIELDS);
        final JsonNode policy = request.get("policy");
        if (policy == null || !policy.isTextual())
        {
            throw bad("'policy' is required: the name of a QoS policy (DELETE takes a volume off its policy)");
        }
        return live(volume).thenCompose(info -> qos.assign(info.volumeId(), info.name(), policy.asText())
            .thenApply(done -> Map.of("volume", info.name(), "policy", policy.asText())));
    }

    private CompletionStage<Object> unassign(final String volume)
    {
        return live(volume).thenCompose(info -> qos.assign(info.volumeId(), info.name(), null)
            .thenApply(done -> Map.of("volume", info.name(), "policy", "")));
    }

    private CompletionStage<VolumeInfo> live(final String name)
    {
        return volumes.list().thenApply(list -> list.stream().filter(v -> v.name().equals(name)).findFirst()
            .orElseThrow(() -> new VolumeException(VolumeException.Kind.NOT_FOUND, "there is no volume " + name)));
    }

    private static JsonNode parse(final String body, final List<String> fields)
    {
        try
        {
            return JsonBody.object(body, fields);
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
    }

    /** A count of normalised IOPS: a whole number, 0 for none. */
    private static long count(final JsonNode request, final String field)
    {
        final JsonNode value = request.get(field);
        if (value == null || value.isNull())
        {
            return 0;
        }
        if (!value.isIntegralNumber() || value.asLong() < 0)
        {
            throw bad(field + ": a whole number of normalised IOPS, 0 for none; got " + value);
        }
        return value.asLong();
    }

    private static long bandwidth(final JsonNode request)
    {
        final JsonNode value = request.get("maxBandwidth");
        return value == null || value.isNull() ? 0 : bytes(value, "maxBandwidth");
    }

    /** Bytes as a number or a string with binary units ("100M"). */
    private static long bytes(final JsonNode value, final String field)
    {
        if (value.isIntegralNumber() && value.asLong() >= 0)
        {
            return value.asLong();
        }
        if (!value.isTextual())
        {
            throw bad(field + ": bytes as a number or a size such as \"100M\"; got " + value);
        }
        try
        {
            return ByteSize.parse(value.asText());
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(field + ": " + ex.getMessage());
        }
    }

    private static VolumeException bad(final String message)
    {
        return new VolumeException(VolumeException.Kind.BAD_REQUEST, message);
    }

    private Route reply(final StatusCode success, final Supplier<CompletionStage<?>> call)
    {
        CompletionStage<?> started;
        try
        {
            started = call.get();
        }
        catch (final VolumeException ex)
        {
            started = CompletableFuture.failedFuture(ex);
        }
        final CompletionStage<ApiOutcome> outcome = started.handle((value, failure) ->
            failure == null ? new ApiOutcome(success, value) : ApiOutcome.of(failure));
        return onSuccess(outcome, o -> complete(o.status(), o.body(), Jackson.marshaller(json)));
    }
}
