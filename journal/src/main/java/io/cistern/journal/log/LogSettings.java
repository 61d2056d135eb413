package io.cistern.journal.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a node takes part in the replicated journal.
 *
 * @param self           this node's name (its Raft peer id).
 * @param address        host:port this node's Raft server listens on.
 * @param dir            where this node keeps the Raft log and the journal's snapshots.
 * @param voters         the voting members, name and address each (3 or 5 in a real cluster). A node not
 *                       among them follows the log as a non-voting listener: it applies every entry but
 *                       neither votes nor counts towards a commit.
 * @param cluster        names the Raft group, so two clusters' nodes never join each other's log.
 * @param electionTimeout the least a follower waits without hearing the leader before it stands for
 *                       election; the most is twice this. The stall a client sees when the leader dies.
 * @param snapshotEvery  log entries between snapshots of the store (the log before one is purged).
 */
public record LogSettings(String self, String address, Path dir, List<Peer> voters, String cluster,
                          Duration electionTimeout, long snapshotEvery)
{
    public record Peer(String name, String address)
    {
    }

    public boolean voter()
    {
        return voters.stream().anyMatch(p -> p.name().equals(self));
    }
}
