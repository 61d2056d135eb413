package io.cistern.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cistern.actors.node.NodeGuardian;
import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.reservation.ReservationService;
import io.cistern.actors.volume.Provisioning;
import io.cistern.actors.volume.VolumeException;
import io.cistern.actors.volume.VolumeService;
import io.cistern.config.ByteSize;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
import java.util.function.Function;

/**
 * {@code /api/v1/volumes}: create, list, show, resize, delete, attachments (with persistent reservations). Request bodies are JSON; sizes are
 * numbers of bytes or strings with binary suffixes ("10G"). Every refusal is a 4xx (or 503/507) with
 * {@code {"error": "..."}} saying what was wrong.
 */
final class VolumeRoutes extends AllDirectives
{
    private final ObjectMapper json;
    private final CompletionStage<VolumeService> service;
    private final ReservationService reservations;

    VolumeRoutes(final ActorSystem<NodeGuardian.Command> guardian, final ObjectMapper json)
    {
        this.json = json;
        this.service = AskPattern.ask(guardian, NodeGuardian.GetVolumeService::new, Duration.ofSeconds(5), guardian.scheduler());
        this.reservations = new ReservationService(guardian, Duration.ofSeconds(10));
    }

    /** Every live volume, as this node's view of the pool has them. */
    CompletionStage<java.util.List<io.cistern.actors.volume.VolumeInfo>> list()
    {
        return service.thenCompose(VolumeService::list);
    }

    Route routes()
    {
        return pathPrefix("volumes", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> reply(StatusCodes.OK, s -> s.list().thenApply(list ->
                    Map.of("volumes", list.stream().map(VolumeDocument::of).toList())))),
                post(() -> entity(Unmarshaller.entityToString(), body -> reply(StatusCodes.CREATED, s -> create(s, body)))))),
            pathPrefix(segment -> concat(
                pathEndOrSingleSlash(() -> concat(
                    get(() -> parameterOptional("slabs", slabs -> reply(StatusCodes.OK, s ->
                    {
                        final SlabRange listed = SlabRange.parse(slabs);
                        return s.show(segment).thenApply(detail -> VolumeDocument.of(detail, listed));
                    }))),
                    delete(() -> parameterOptional("force", force -> reply(StatusCodes.OK, s ->
                        s.delete(segment, force.map(f -> f.equals("true") || f.isEmpty()).orElse(false))
                            .thenApply(VolumeDocument::of)))))),
                path("resize", () -> post(() -> entity(Unmarshaller.entityToString(), body ->
                    reply(StatusCodes.OK, s -> resize(s, segment, body))))),
                path("attachments", () -> get(() -> reply(StatusCodes.OK, s -> s.get(segment).thenCompose(info ->
                    reservations.current(info.volumeId()).thenApply(state -> AttachmentsDocument.of(info, state))))))))));
    }

    private CompletionStage<Object> create(final VolumeService s, final String body)
    {
        final JsonNode request = parse(body, CREATE_FIELDS);
        final String name = text(request, "name", null);
        final long size = size(request);
        final Resiliency resiliency;
        final Provisioning provisioning;
        try
        {
            resiliency = Resiliency.parse(text(request, "resiliency", "mirror-2"));
            provisioning = Provisioning.parse(text(request, "provisioning", "thin"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
        return s.create(name, size, resiliency, provisioning).thenApply(VolumeDocument::of);
    }

    private CompletionStage<Object> resize(final VolumeService s, final String name, final String body)
    {
        return s.resize(name, size(parse(body, RESIZE_FIELDS))).thenApply(VolumeDocument::of);
    }

    /** The fields of a volume's creation. */
    private static final List<String> CREATE_FIELDS = List.of("name", "size", "resiliency", "provisioning");

    /** The fields of a resize. */
    private static final List<String> RESIZE_FIELDS = List.of("size");

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

    private static String text(final JsonNode request, final String field, final String fallback)
    {
        final JsonNode value = request.get(field);
        if (value == null || value.isNull())
        {
            if (fallback == null)
            {
                throw bad("'" + field + "' is required");
            }
            return fallback;
        }
        return value.asText();
    }

    private static long size(final JsonNode request)
    {
        final JsonNode value = request.get("size");
        if (value == null || value.isNull())
        {
            throw bad("'size' is required, e.g. \"10G\"");
        }
        if (value.isIntegralNumber())
        {
            return value.asLong();
        }
        try
        {
            return ByteSize.parse(value.asText());
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad("size: " + ex.getMessage());
        }
    }

    private static VolumeException bad(final String message)
    {
        return new VolumeException(VolumeException.Kind.BAD_REQUEST, message);
    }

    private Route reply(final StatusCode success, final Function<VolumeService, CompletionStage<?>> call)
    {
        final CompletionStage<ApiOutcome> outcome = service.thenCompose(s ->
        {
            try
            {
                return call.apply(s);
            }
            catch (final VolumeException ex)
            {
                return CompletableFuture.failedFuture(ex);
            }
        }).handle((value, failure) -> failure == null ? new ApiOutcome(success, value) : ApiOutcome.of(failure));
        return onSuccess(outcome, o -> complete(o.status(), o.body(), Jackson.marshaller(json)));
    }
}
