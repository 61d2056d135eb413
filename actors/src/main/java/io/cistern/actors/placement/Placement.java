package io.cistern.actors.placement;

import io.cistern.config.FaultDomainLevel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where the extents of a slab go: a pure decision, called by the actors and tested directly.
 * <p>
 * Rules: every copy on a healthy drive with room for the extent; no two copies in one fault domain;
 * among the allowed drives, the least utilised first, so allocated bytes stay balanced across drives.
 * The first extent of a slab is its primary (it sequences the slab's writes); rotating the order by
 * slab index spreads primaries over the chosen domains.
 */
public final class Placement
{
    /** The drives chosen for one slab, primary first; or why none could be. */
    public record Choice(List<String> driveIds, String refusal, java.util.Set<String> away)
    {
        public Choice(final List<String> driveIds, final String refusal)
        {
            this(driveIds, refusal, java.util.Set.of());
        }

        public boolean ok()
        {
            return refusal == null;
        }

        static Choice refused(final String why)
        {
            return new Choice(List.of(), why);
        }
    }

    /** The placement of a whole volume (slab by slab), or why it cannot be placed. */
    public record Plan(List<List<String>> slabs, String refusal)
    {
        public boolean ok()
        {
            return refusal == null;
        }
    }

    private static final Comparator<Candidate> LEAST_UTILISED = Comparator
        .comparingDouble(Candidate::utilisation)
        .thenComparing(Comparator.comparingLong(Candidate::freeBytes).reversed())
        .thenComparing(Candidate::driveId);

    private Placement()
    {
    }

    /**
     * @param pool        every drive of the pool.
     * @param copies      extents per slab.
     * @param level       what a fault domain is.
     * @param extentBytes size of each extent.
     * @param slabIndex   the slab's index in its volume (rotates the primary).
     */
    public static Choice choose(
        final List<Candidate> pool, final int copies, final FaultDomainLevel level, final long extentBytes, final int slabIndex)
    {
        // A domain's load counts all its healthy drives, so a node whose other drives are full is not
        // mistaken for an idle one; inside a domain the least utilised drive with room takes the extent.
        final Map<String, long[]> load = new HashMap<>();
        final Map<String, Candidate> bestPerDomain = new HashMap<>();
        for (final Candidate drive : pool)
        {
            if (!drive.healthy())
            {
                continue;
            }
            final String domain = domainOf(drive, level);
            final long[] sums = load.computeIfAbsent(domain, d -> new long[2]);
            sums[0] += drive.allocatedBytes();
            sums[1] += drive.capacityBytes();
            if (drive.freeBytes() >= extentBytes)
            {
                bestPerDomain.merge(domain, drive, (a, b) -> LEAST_UTILISED.compare(a, b) <= 0 ? a : b);
            }
        }
        if (bestPerDomain.size() < copies)
        {
            return Choice.refused(shortfall(pool, copies, level, extentBytes, bestPerDomain.keySet()));
        }
        final List<String> ranked = new ArrayList<>(bestPerDomain.keySet());
        ranked.sort(Comparator
            .comparingDouble((String d) -> utilisation(load.get(d)))
            .thenComparing(Comparator.comparingLong((String d) -> load.get(d)[1] - load.get(d)[0]).reversed())
            .thenComparing(d -> d));
        final List<String> chosen = new ArrayList<>();
        for (int i = 0; i < copies; i++)
        {
            chosen.add(bestPerDomain.get(ranked.get(i)).driveId());
        }
        // Rotate so that primaries (the first extent) spread evenly over the chosen domains.
        final List<String> rotated = new ArrayList<>();
        for (int i = 0; i < copies; i++)
        {
            rotated.add(chosen.get((i + slabIndex) % copies));
        }
        return new Choice(rotated, null);
    }

    /**
     * Like {@link #choose}, but when too few fault domains have a healthy drive (a node is down), the
     * missing copies may go to drives that are away ({@code away}: out of communication, expected back)
     * in other domains, as long as a write majority of the copies lands on healthy drives. The copies on
     * away drives start stale (the choice names them in {@link Choice#away()}); their node resyncs them when
     * it returns, or they are rebuilt elsewhere if it does not. So a thin volume's first write to a slab
     * succeeds during a node loss, as any other write does.
     */
    public static Choice chooseAllowingAway(final List<Candidate> pool, final List<Candidate> away, final int copies,
                                            final FaultDomainLevel level, final long extentBytes, final int slabIndex)
    {
        final Choice healthy = choose(pool, copies, level, extentBytes, slabIndex);
        if (healthy.ok() || away.isEmpty())
        {
            return healthy;
        }
        final int majority = copies <= 2 ? 1 : copies / 2 + 1;
        for (int present = copies - 1; present >= majority; present--)
        {
            final Choice some = choose(pool, present, level, extentBytes, slabIndex);
            if (!some.ok())
            {
                continue;
            }
            final java.util.Set<String> used = new java.util.HashSet<>();
            for (final Candidate drive : pool)
            {
                if (some.driveIds().contains(drive.driveId()))
                {
                    used.add(domainOf(drive, level));
                }
            }
            final List<Candidate> elsewhere = new ArrayList<>();
            for (final Candidate drive : away)
            {
                if (!used.contains(domainOf(drive, level)))
                {
                    elsewhere.add(new Candidate(drive.driveId(), drive.node(), drive.faultDomain(), drive.capacityBytes(),
                        drive.allocatedBytes(), true));
                }
            }
            final Choice rest = choose(elsewhere, copies - present, level, extentBytes, 0);
            if (rest.ok())
            {
                final List<String> all = new ArrayList<>(some.driveIds());
                all.addAll(rest.driveIds());
                return new Choice(all, null, new java.util.HashSet<>(rest.driveIds()));
            }
        }
        return healthy;
    }

    private static double utilisation(final long[] allocatedAndCapacity)
    {
        return allocatedAndCapacity[1] == 0 ? 1.0 : (double)allocatedAndCapacity[0] / allocatedAndCapacity[1];
    }

    /**
     * A new home for one copy of a slab whose drive is gone (a rebuild): a healthy drive with room in a
     * fault domain that none of the slab's other copies uses, the least utilised such domain first.
     *
     * @param kept the drives of the slab's other copies, which stay where they are.
     */
    public static Choice replace(final List<Candidate> pool, final List<String> kept, final FaultDomainLevel level,
                                 final long extentBytes)
    {
        final java.util.Set<String> taken = new java.util.HashSet<>();
        for (final Candidate drive : pool)
        {
            if (kept.contains(drive.driveId()))
            {
                taken.add(domainOf(drive, level));
            }
        }
        final List<Candidate> free = new ArrayList<>();
        for (final Candidate drive : pool)
        {
            if (!taken.contains(domainOf(drive, level)) && !kept.contains(drive.driveId()))
            {
                free.add(drive);
            }
        }
        final Choice choice = choose(free, 1, level, extentBytes, 0);
        return choice.ok() ? choice : Choice.refused("no " + (level == FaultDomainLevel.NODE ? "node" : "drive") +
            " other than those of the slab's other copies (" + String.join(", ", new TreeSet<>(taken)) + ") has a healthy drive with " +
            extentBytes + " bytes free");
    }

    /** Places {@code slabs} slabs one after another, each seeing the space the previous ones took. */
    public static Plan planVolume(
        final List<Candidate> pool, final int slabs, final int copies, final FaultDomainLevel level, final long extentBytes)
    {
        final Map<String, Candidate> model = new LinkedHashMap<>();
        pool.forEach(d -> model.put(d.driveId(), d));
        final List<List<String>> placed = new ArrayList<>();
        for (int slab = 0; slab < slabs; slab++)
        {
            final Choice choice = choose(new ArrayList<>(model.values()), copies, level, extentBytes, slab);
            if (!choice.ok())
            {
                return new Plan(List.of(), "slab " + slab + " of " + slabs + ": " + choice.refusal());
            }
            for (final String driveId : choice.driveIds())
            {
                model.computeIfPresent(driveId, (id, d) -> d.plus(extentBytes));
            }
            placed.add(choice.driveIds());
        }
        return new Plan(placed, null);
    }

    /** The fault domains a pool offers, for a refusal message. */
    public static int domains(final List<Candidate> pool, final FaultDomainLevel level)
    {
        final TreeSet<String> domains = new TreeSet<>();
        pool.forEach(d -> domains.add(domainOf(d, level)));
        return domains.size();
    }

    public static String domainOf(final Candidate drive, final FaultDomainLevel level)
    {
        return level == FaultDomainLevel.NODE ? drive.faultDomain() : drive.driveId();
    }

    private static String shortfall(
        final List<Candidate> pool, final int copies, final FaultDomainLevel level, final long extentBytes,
        final java.util.Set<String> usable)
    {
        final Map<String, Integer> healthyPerDomain = new HashMap<>();
        for (final Candidate d : pool)
        {
            if (d.healthy())
            {
                healthyPerDomain.merge(domainOf(d, level), 1, Integer::sum);
            }
        }
        final String unit = level == FaultDomainLevel.NODE ? "fault domains (nodes)" : "drives";
        if (healthyPerDomain.size() < copies)
        {
            return copies + " copies need " + copies + " " + unit + " with a healthy drive; the pool has " +
                healthyPerDomain.size() + (level == FaultDomainLevel.NODE ?
                " (set cistern.volume.fault-domain = drive to place copies on drives of one node, losing node fault tolerance)" : "");
        }
        return copies + " copies need " + copies + " " + unit + " with " + extentBytes + " bytes free on a healthy drive; " +
            (usable.isEmpty() ? "none has" : "only " + usable.size() + " have that much (" + String.join(", ", new TreeSet<>(usable)) + ")");
    }
}
