package io.cistern.journal.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Who takes part in the replicated journal: the voters (a majority of whom must have an entry before it
 * commits) and the listeners (who apply every entry but neither vote nor count). Ratis keeps this
 * configuration in the log itself; {@code cistern.journal.voters} only seeds it when the journal is new.
 */
public record Members(List<LogSettings.Peer> voters, List<LogSettings.Peer> listeners)
{
    public Members
    {
        voters = sorted(voters);
        listeners = sorted(listeners);
    }

    private static List<LogSettings.Peer> sorted(final List<LogSettings.Peer> peers)
    {
        final List<LogSettings.Peer> copy = new ArrayList<>(peers);
        copy.sort(Comparator.comparing(LogSettings.Peer::name));
        return List.copyOf(copy);
    }

    public boolean votes(final String name)
    {
        return voters.stream().anyMatch(p -> p.name().equals(name));
    }

    public boolean listens(final String name)
    {
        return listeners.stream().anyMatch(p -> p.name().equals(name));
    }

    public boolean contains(final String name)
    {
        return votes(name) || listens(name);
    }

    public Stream<LogSettings.Peer> all()
    {
        return Stream.concat(voters.stream(), listeners.stream());
    }

    public List<String> voterNames()
    {
        return voters.stream().map(LogSettings.Peer::name).toList();
    }

    public List<String> listenerNames()
    {
        return listeners.stream().map(LogSettings.Peer::name).toList();
    }

    @Override
    public String toString()
    {
        return "voters " + voterNames() + ", listeners " + listenerNames();
    }
}
