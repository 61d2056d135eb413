package io.cistern.node.api;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use this node's admin API, and which cluster it answers for: set by the node at start
 * ({@code cistern.api.token}, {@code cistern.cluster.id}), read by the routes, which Pekko Management
 * builds with nothing but the actor system.
 */
public final class ApiAccess implements Extension
{
    /** The header every API answer carries: the cluster's id, which the CLI checks against its data folder's. */
    public static final String CLUSTER_HEADER = "Cistern-Cluster";

    public static final ExtensionId<ApiAccess> ID = new ExtensionId<>()
    {
        @Override
        public ApiAccess createExtension(final ActorSystem<?> system)
        {
            return new ApiAccess();
        }
    };

    private volatile byte[] token;
    private volatile String clusterId;

    private ApiAccess()
    {
    }

    public static ApiAccess get(final ActorSystem<?> system)
    {
        return system.registerExtension(ID);
    }

    /** @param token null: the API is open. @param clusterId null: none configured. */
    public void configure(final String token, final String clusterId)
    {
        this.token = token == null ? null : token.getBytes(StandardCharsets.US_ASCII);
        this.clusterId = clusterId;
    }

    /** The cluster's id, or null. */
    public String clusterId()
    {
        return clusterId;
    }

    public boolean tokenRequired()
    {
        return token != null;
    }

    /** Whether an {@code Authorization} header's value lets a request in. */
    public boolean admits(final String authorization)
    {
        final byte[] expected = token;
        if (expected == null)
        {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return false;
        }
        // Constant time: how long a comparison takes must not tell how much of a guess was right.
        return MessageDigest.isEqual(expected, authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII));
    }
}
