package io.cistern.journal.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one decision about the journal's membership, as a pure function: which change (if any) the leader
 * makes next, given who is a member, who is alive, and since when the others have been gone.
 * <ul>
 *   <li>A voter gone for {@code retireAfter} (the same timeout after which its drives' extents are rebuilt
 *       elsewhere: the cluster has given it up) is replaced by a live listener, one voter per change. With no
 *       listener to take its place it stays a voter: two voters of three tolerate no loss either, and it may
 *       yet come back.</li>
 *   <li>Fewer voters than wanted (a replacement missed, or a pool grown from fewer nodes) and a live listener:
 *       the listener is promoted.</li>
 *   <li>A listener gone for {@code retireAfter} is dropped: the leader stops sending it the log. Should it
 *       return, it joins again as a new listener.</li>
 * </ul>
 * Listeners are taken in name order, so every leader would choose the same one.
 */
public final class VoterPlan
{
    private VoterPlan()
    {
    }

    /** A change to make: the members after it, and why, for the log. */
    public record Change(Members next, String why)
    {
    }

    /**
     * @param now          the current members (the leader's configuration, stable: no change in progress).
     * @param live         names of the nodes that are up and reachable now.
     * @param goneSince    for a member not live, since when (epoch millis) it has not been.
     * @param wantedVoters how many voters the journal is to have (3 or 5).
     */
    public static Optional<Change> next(final Members now, final Set<String> live, final Map<String, Long> goneSince,
                                        final long nowMillis, final long retireAfterMillis, final int wantedVoters)
    {
        final List<LogSettings.Peer> candidates = now.listeners().stream().filter(p -> live.contains(p.name())).toList();
        for (final LogSettings.Peer voter : now.voters())
        {
            if (retired(voter.name(), live, goneSince, nowMillis, retireAfterMillis) && !candidates.isEmpty())
            {
                final LogSettings.Peer replacement = candidates.get(0);
                return Optional.of(new Change(promote(now, replacement, voter),
                    voter.name() + " has been gone for longer than " + retireAfterMillis + " ms; " + replacement.name() + " votes instead"));
            }
        }
        if (now.voters().size() < wantedVoters && !candidates.isEmpty())
        {
            final LogSettings.Peer promoted = candidates.get(0);
            return Optional.of(new Change(promote(now, promoted, null),
                now.voters().size() + " voters of " + wantedVoters + " wanted; " + promoted.name() + " votes too"));
        }
        final List<LogSettings.Peer> keep = new ArrayList<>();
        final List<String> dropped = new ArrayList<>();
        for (final LogSettings.Peer listener : now.listeners())
        {
            if (retired(listener.name(), live, goneSince, nowMillis, retireAfterMillis))
            {
                dropped.add(listener.name());
            }
            else
            {
                keep.add(listener);
            }
        }
        if (!dropped.isEmpty())
        {
            return Optional.of(new Change(new Members(now.voters(), keep),
                "listener(s) " + dropped + " gone for longer than " + retireAfterMillis + " ms leave the journal"));
        }
        return Optional.empty();
    }

    private static boolean retired(final String name, final Set<String> live, final Map<String, Long> goneSince,
                                   final long nowMillis, final long retireAfterMillis)
    {
        final Long since = goneSince.get(name);
        return !live.contains(name) && since != null && nowMillis - since >= retireAfterMillis;
    }

    private static Members promote(final Members now, final LogSettings.Peer listener, final LogSettings.Peer replaced)
    {
        final List<LogSettings.Peer> voters = new ArrayList<>(now.voters());
        if (replaced != null)
        {
            voters.remove(replaced);
        }
        voters.add(listener);
        final List<LogSettings.Peer> listeners = new ArrayList<>(now.listeners());
        listeners.remove(listener);
        return new Members(voters, listeners);
    }
}
