package io.cistern.actors.drive;

import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * One shard per entity: a drive's shard can then be pinned to the drive's node on its own, without
 * dragging other drives that happen to hash into the same shard.
 */
public final class ShardPerEntity<M> extends ShardingMessageExtractor<ShardingEnvelope<M>, M>
{
    @Override
    public String entityId(final ShardingEnvelope<M> envelope)
    {
        return envelope.entityId();
    }

    @Override
    public String shardId(final String entityId)
    {
        return entityId;
    }

    @Override
    public M unwrapMessage(final ShardingEnvelope<M> envelope)
    {
        return envelope.message();
    }
}
