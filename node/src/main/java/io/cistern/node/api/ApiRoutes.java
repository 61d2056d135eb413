package io.cistern.node.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.health.HealthMonitor;
import io.cistern.actors.node.NodeGuardian;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.cistern.config.DriveSettings;
import io.cistern.config.SettingsException;
import io.cistern.config.SettingsReader;
import io.cistern.node.process.DriveJoinExtension;
import io.cistern.node.process.DriveJoiner;
import io.cistern.node.repair.JobsExtension;
import io.cistern.node.process.Guardian;
import io.cistern.node.process.PekkoConfig;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Cistern's JSON API under {@code /api/v1}, served by Pekko Management's HTTP server beside
 * {@code /alive}, {@code /ready} and {@code /cluster/members}. Reads come from this node's view of the
 * pool, so they answer even while other nodes are down.
 */
public final class ApiRoutes extends AllDirectives implements ManagementRouteProvider
{
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    /** The OpenAPI document of these routes; a test checks each path's methods against what the routes allow. */
    private static final byte[] OPENAPI = openApi();

    private final ActorSystem<NodeGuardian.Command> guardian;
    private final Cluster cluster;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final VolumeRoutes volumes;
    private final PerfRoutes perf;
    private final QosRoutes qos;

    public ApiRoutes(final ExtendedActorSystem system)
    {
        this.guardian = Guardian.of(system);
        this.cluster = Cluster.get(system);
        this.volumes = new VolumeRoutes(guardian, json);
        this.perf = new PerfRoutes(guardian, json);
        this.qos = new QosRoutes(guardian, json, volumes);
    }

    private static byte[] openApi()
    {
        try (java.io.InputStream in = ApiRoutes.class.getResourceAsStream("openapi.json"))
        {
            if (in == null)
            {
                throw new IllegalStateException("openapi.json is missing beside " + ApiRoutes.class.getName());
            }
            return in.readAllBytes();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** This node's journal: the replicated journal's member (role, leader, applied index), or the database kind. */
    private Object journal()
    {
        final org.apache.pekko.actor.ActorSystem classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(guardian);
        if (!classic.settings().config().hasPath(io.cistern.journal.plugin.ReplicatedJournal.CONFIG))
        {
            return Map.of("kind", classic.settings().config().getString("pekko.persistence.journal.plugin"));
        }
        final io.cistern.journal.log.ReplicatedLog.Status status = io.cistern.journal.plugin.ReplicatedJournal.log(classic).status();
        return Map.of("kind", "replicated", "self", status.self(), "role", status.role(), "leader", status.leader(),
            "voters", status.voters(), "listeners", status.listeners(), "applied", status.applied(), "events", status.events(),
            "eventBytes", status.eventBytes());
    }

    @Override
    public Route routes(final ManagementRouteProviderSettings settings)
    {
        return concat(path("metrics", () -> get(() -> complete(org.apache.pekko.http.javadsl.model.HttpEntities.create(
                org.apache.pekko.http.javadsl.model.ContentTypes.parse(io.cistern.node.metrics.MetricsExtension.CONTENT_TYPE),
                io.cistern.node.metrics.MetricsExtension.get(guardian).scrape())))),
            // The API's description is open: it holds nothing of the cluster's.
            // It names the cluster too: a client checks whose node it is before it sends anything that acts, or its token.
            path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("api").slash("v1").slash("openapi.json"), () -> get(() ->
                named(() -> complete(org.apache.pekko.http.javadsl.model.HttpEntities.create(
                    org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON, OPENAPI))))),
            pathPrefix("api", () -> guarded(() -> pathPrefix("v1", () -> concat(
            path("pool", () -> get(() -> onSuccess(drives().thenCombine(volumes.list(), (drives, listed) ->
                PoolSummary.summarise(drives, members(), listed)), pool -> completeOK(pool, Jackson.marshaller(json))))),
            pathPrefix("pool", () -> path("optimize", () -> post(() -> onSuccess(
                AskPattern.<NodeGuardian.Command, io.cistern.actors.repair.Optimized>ask(guardian, NodeGuardian.Optimize::new, ASK_TIMEOUT,
                    guardian.scheduler()),
                optimized -> complete(StatusCodes.ACCEPTED, optimized, Jackson.marshaller(json)))))),
            path("drives", () -> concat(
                get(() -> onSuccess(drives(), drives ->
                    completeOK(Map.of("drives", drives.stream().map(DriveDocument::of).toList()), Jackson.marshaller(json)))),
                post(() -> entity(Unmarshaller.entityToString(), body -> onSuccess(addDrive(body), answer ->
                    complete(answer.code(), answer.document(), Jackson.marshaller(json))))))),
            pathPrefix("drives", () -> pathPrefix(id -> path("retire", () -> post(() ->
                entity(Unmarshaller.entityToString(), body -> onSuccess(retire(id, body), answer ->
                    complete(answer.code(), answer.document(), Jackson.marshaller(json)))))))),
            path("faults", () -> get(() -> onSuccess(
                AskPattern.<NodeGuardian.Command, HealthMonitor.Faults>ask(guardian, NodeGuardian.GetFaults::new, ASK_TIMEOUT,
                    guardian.scheduler()),
                faults -> completeOK(Map.of("faults", faults.faults()), Jackson.marshaller(json))))),
            path("jobs", () -> get(() ->
                completeOK(Map.of("jobs", JobsExtension.get(guardian).list()), Jackson.marshaller(json)))),
            path("scrub", () -> post(() -> JobsExtension.get(guardian).scrub() ?
                complete(StatusCodes.ACCEPTED, Map.of("scrub", "started on this node (see /api/v1/jobs)"), Jackson.marshaller(json)) :
                complete(StatusCodes.SERVICE_UNAVAILABLE, Map.of("error", "this node's data plane is not up yet"), Jackson.marshaller(json)))),
            path("journal", () -> get(() -> completeOK(journal(), Jackson.marshaller(json)))),
            qos.routes(),
            volumes.routes(),
            perf.routes(),
            pathEndOrSingleSlash(() -> complete(StatusCodes.NOT_FOUND,
                Map.of("error", "name a resource: /api/v1/pool, /api/v1/drives, /api/v1/volumes, /api/v1/jobs, /api/v1/faults, /api/v1/perf or /api/v1/qos"),
                Jackson.marshaller(json))))))));
    }

    /**
     * The API's door: every answer names the cluster ({@link ApiAccess#CLUSTER_HEADER}), and with a token set a
     * request without it gets 401 and nothing else. Probes and scrapers ({@code /alive}, {@code /ready},
     * {@code /metrics}) are not behind it.
     */
    private Route guarded(final java.util.function.Supplier<Route> api)
    {
        final ApiAccess access = ApiAccess.get(guardian);
        final java.util.function.Supplier<Route> admitted = () -> optionalHeaderValueByName("Authorization", authorization ->
        {
            if (access.admits(authorization.orElse(null)))
            {
                return api.get();
            }
            return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"cistern\""), () ->
                complete(StatusCodes.UNAUTHORIZED, Map.of("error", authorization.isPresent()
                    ? "the bearer token is not this cluster's (cistern.api.token)"
                    : "this node's API needs a bearer token (Authorization: Bearer TOKEN, the node's cistern.api.token); " +
                        "the CLI reads it from DATA/api-token, or --token / CISTERN_API_TOKEN with --endpoint"),
                    Jackson.marshaller(json)));
        });
        return named(admitted);
    }

    /** The route, its answers carrying the cluster's id if it has one. */
    private Route named(final java.util.function.Supplier<Route> route)
    {
        final String cluster = ApiAccess.get(guardian).clusterId();
        return cluster == null ? route.get() : respondWithHeader(RawHeader.create(ApiAccess.CLUSTER_HEADER, cluster), route);
    }

    private record Answer(StatusCode code, Object document)
    {
    }

    /**
     * Adds a drive to this node while it runs ({@code cistern drive add}): the body is one drive as
     * {@code cistern.node.drives} lists it, {@code {"path": "/srv/d3", "media-type": "ssd", "capacity": "1T"}},
     * with an optional {@code "node"} that must be this node's name (a drive's path means something on
     * one node only). 201 once the pool has it, 202 if its registration is still going on.
     */
    private CompletionStage<Answer> addDrive(final String body)
    {
        final DriveJoiner joiner = DriveJoinExtension.get(guardian).joiner();
        if (joiner == null)
        {
            return answer(StatusCodes.SERVICE_UNAVAILABLE, "this node's data plane is not up yet");
        }
        final Config request;
        try
        {
            request = ConfigFactory.parseString(body == null ? "" : body, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        }
        catch (final ConfigException ex)
        {
            return answer(StatusCodes.BAD_REQUEST, "the body is not a JSON object: " + ex.getMessage());
        }
        if (request.hasPath("node") && !request.getValue("node").unwrapped().toString().equals(joiner.nodeName()))
        {
            return answer(StatusCodes.BAD_REQUEST, "this is " + joiner.nodeName() + "'s API, and a drive's path is local to its node: " +
                "send the request to the API of " + request.getValue("node").unwrapped());
        }
        final DriveSettings drive;
        try
        {
            drive = SettingsReader.readDrive("drive", request.withoutPath("node"), joiner.defaultMediaType());
        }
        catch (final SettingsException ex)
        {
            return answer(StatusCodes.BAD_REQUEST, String.join("; ", ex.problems()));
        }
        // Answered before pekko-http's request timeout (20 s); a join the pool has not answered by then goes on.
        return joiner.add(drive, Duration.ofSeconds(15)).thenApply(result ->
        {
            switch (result.outcome())
            {
                case JOINED:
                    return new Answer(StatusCodes.CREATED, Map.of("drive", DriveDocument.of(result.status()), "detail", result.detail()));
                case PENDING:
                    final Map<String, String> joining = new java.util.LinkedHashMap<>();
                    joining.put("id", result.driveId() == null ? "" : result.driveId());
                    joining.put("node", joiner.nodeName());
                    joining.put("path", drive.path().toString());
                    return new Answer(StatusCodes.ACCEPTED, Map.of("drive", joining, "detail", result.detail()));
                case BAD_DRIVE:
                    return new Answer(StatusCodes.BAD_REQUEST, Map.of("error", result.detail()));
                case CONFLICT:
                    return new Answer(StatusCodes.CONFLICT, Map.of("error", result.detail()));
                default:
                    return new Answer(StatusCodes.INTERNAL_SERVER_ERROR, Map.of("error", result.detail()));
            }
        });
    }

    private static CompletionStage<Answer> answer(final StatusCode code, final String error)
    {
        return CompletableFuture.completedFuture(new Answer(code, Map.of("error", error)));
    }

    /**
     * Retires a drive named by its id or a unique prefix of it: its Drive entity becomes RETIRED and the
     * health monitor rebuilds its extents elsewhere. Optional body: {@code {"reason": "..."}}.
     */
    private CompletionStage<Answer> retire(final String idOrPrefix, final String body)
    {
        String reason = "retired by an administrator";
        if (body != null && !body.isBlank())
        {
            try
            {
                reason = JsonBody.object(body, List.of("reason")).path("reason").asText(reason);
            }
            catch (final IllegalArgumentException ex)
            {
                return answer(StatusCodes.BAD_REQUEST, ex.getMessage());
            }
        }
        final String why = reason;
        return drives().thenCompose(drives ->
        {
            final List<DriveStatus> matches = drives.stream().filter(d -> d.id().startsWith(idOrPrefix)).toList();
            if (matches.size() != 1)
            {
                return answer(matches.isEmpty() ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST,
                    matches.isEmpty() ? "no drive of the pool has an id starting " + idOrPrefix + " (cistern drive list)" :
                        idOrPrefix + " names " + matches.size() + " drives; give more of the id");
            }
            return ClusterSharding.get(guardian).entityRefFor(Drive.ENTITY_TYPE_KEY, matches.get(0).id())
                .<DriveStatus>askWithStatus(replyTo -> new Drive.Retire(why, replyTo), ASK_TIMEOUT)
                .<Answer>thenApply(status -> new Answer(StatusCodes.OK, DriveDocument.of(status)))
                .exceptionally(failure -> new Answer(StatusCodes.SERVICE_UNAVAILABLE,
                    Map.of("error", "the drive did not take the retirement: " + (failure.getCause() == null ? failure : failure.getCause()).getMessage())));
        });
    }

    private CompletionStage<List<DriveStatus>> drives()
    {
        return AskPattern.ask(guardian, NodeGuardian.GetDrives::new, ASK_TIMEOUT, guardian.scheduler());
    }

    private List<PoolSummary.Member> members()
    {
        final ClusterEvent.CurrentClusterState state = cluster.state();
        final Set<Member> unreachable = new HashSet<>();
        state.getUnreachable().forEach(unreachable::add);
        final List<PoolSummary.Member> members = new ArrayList<>();
        for (final Member member : state.getMembers())
        {
            members.add(new PoolSummary.Member(
                PekkoConfig.nodeName(member.roles()),
                member.address().toString(),
                member.status().toString(),
                !unreachable.contains(member)));
        }
        return members;
    }
}
