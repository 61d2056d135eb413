package io.cistern.actors.placement;

import io.cistern.config.FaultDomainLevel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Property-style: the rules hold for random pools of 1-16 nodes x 1-25 drives. */
class PlacementTest
{
    private static final long GIB = 1L << 30;
    private static final long EXTENT = 256L << 20;

    private static List<Candidate> randomPool(final Random random)
    {
        final int nodes = 1 + random.nextInt(16);
        final List<Candidate> pool = new ArrayList<>();
        for (int n = 0; n < nodes; n++)
        {
            final int drives = 1 + random.nextInt(25);
            for (int d = 0; d < drives; d++)
            {
                final long capacity = (1 + random.nextInt(16)) * GIB;
                final long allocated = (long)(random.nextDouble() * capacity) / EXTENT * EXTENT;
                pool.add(new Candidate("n" + n + "d" + d, "node-" + n, "fd-" + n, capacity, allocated, random.nextInt(10) > 0));
            }
        }
        return pool;
    }

    private static Map<String, Candidate> byId(final List<Candidate> pool)
    {
        final Map<String, Candidate> map = new HashMap<>();
        pool.forEach(c -> map.put(c.driveId(), c));
        return map;
    }

    @Test
    void choicesKeepEveryRuleOnRandomPools()
    {
        final Random random = new Random(20261122);
        for (int round = 0; round < 2_000; round++)
        {
            final List<Candidate> pool = randomPool(random);
            final int copies = 2 + random.nextInt(2);
            final FaultDomainLevel level = random.nextInt(4) == 0 ? FaultDomainLevel.DRIVE : FaultDomainLevel.NODE;
            final Placement.Choice choice = Placement.choose(pool, copies, level, EXTENT, random.nextInt(100));
            final Map<String, Candidate> drives = byId(pool);

            final Set<String> eligibleDomains = new HashSet<>();
            pool.stream().filter(c -> c.healthy() && c.freeBytes() >= EXTENT)
                .forEach(c -> eligibleDomains.add(Placement.domainOf(c, level)));
            assertEquals(eligibleDomains.size() >= copies, choice.ok(), "round " + round + ": " + choice.refusal());
            if (!choice.ok())
            {
                assertFalse(choice.refusal().isBlank());
                continue;
            }
            assertEquals(copies, choice.driveIds().size());
            final Set<String> domains = new HashSet<>();
            for (final String id : choice.driveIds())
            {
                final Candidate drive = drives.get(id);
                assertTrue(drive.healthy(), "unhealthy drive chosen in round " + round);
                assertTrue(drive.freeBytes() >= EXTENT, "full drive chosen in round " + round);
                assertTrue(domains.add(Placement.domainOf(drive, level)), "two copies in one fault domain in round " + round);
            }
            // No eligible domain left out is less utilised (over its healthy drives) than a chosen one.
            final Map<String, long[]> load = new HashMap<>();
            pool.stream().filter(Candidate::healthy).forEach(c ->
            {
                final long[] sums = load.computeIfAbsent(Placement.domainOf(c, level), d -> new long[2]);
                sums[0] += c.allocatedBytes();
                sums[1] += c.capacityBytes();
            });
            final double worstChosen = domains.stream().mapToDouble(d -> (double)load.get(d)[0] / load.get(d)[1]).max().orElseThrow();
            for (final String domain : eligibleDomains)
            {
                if (!domains.contains(domain))
                {
                    assertTrue((double)load.get(domain)[0] / load.get(domain)[1] >= worstChosen,
                        "a less utilised domain was skipped in round " + round);
                }
            }
            // Inside each chosen domain, the chosen drive is its least utilised drive with room.
            for (final String id : choice.driveIds())
            {
                final Candidate chosen = drives.get(id);
                for (final Candidate c : pool)
                {
                    if (c.healthy() && c.freeBytes() >= EXTENT && Placement.domainOf(c, level).equals(Placement.domainOf(chosen, level)))
                    {
                        assertTrue(c.utilisation() >= chosen.utilisation(), "a less utilised drive was skipped in round " + round);
                    }
                }
            }
        }
    }

    @Test
    void aVolumeSpreadsEvenlyOverAnEmptyUniformPool()
    {
        final Random random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            final int nodes = 3 + random.nextInt(14);
            final int drivesPerNode = 1 + random.nextInt(25);
            final List<Candidate> pool = new ArrayList<>();
            for (int n = 0; n < nodes; n++)
            {
                for (int d = 0; d < drivesPerNode; d++)
                {
                    pool.add(new Candidate("n" + n + "d" + d, "node-" + n, "node-" + n, 64 * GIB, 0, true));
                }
            }
            final int slabs = 1 + random.nextInt(200);
            final Placement.Plan plan = Placement.planVolume(pool, slabs, 3, FaultDomainLevel.NODE, EXTENT);
            assertTrue(plan.ok(), plan.refusal());
            assertEquals(slabs, plan.slabs().size());

            final Map<String, Integer> extentsPerDrive = new HashMap<>();
            pool.forEach(c -> extentsPerDrive.put(c.driveId(), 0));
            final Map<String, Integer> primariesPerDrive = new HashMap<>();
            for (final List<String> slab : plan.slabs())
            {
                slab.forEach(id -> extentsPerDrive.merge(id, 1, Integer::sum));
                primariesPerDrive.merge(slab.get(0), 1, Integer::sum);
            }
            final int min = extentsPerDrive.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            final int max = extentsPerDrive.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertTrue(max - min <= 1, "round " + round + ": extents per drive range " + min + ".." + max);
            final int maxPrimaries = primariesPerDrive.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertTrue(maxPrimaries <= max, "primaries pile up on one drive in round " + round);
        }
    }

    @Test
    void refusesMirror3OnTwoNodesAndSaysWhy()
    {
        final List<Candidate> pool = List.of(
            new Candidate("a", "node-1", "node-1", 8 * GIB, 0, true),
            new Candidate("b", "node-1", "node-1", 8 * GIB, 0, true),
            new Candidate("c", "node-2", "node-2", 8 * GIB, 0, true));
        final Placement.Choice choice = Placement.choose(pool, 3, FaultDomainLevel.NODE, EXTENT, 0);
        assertFalse(choice.ok());
        assertTrue(choice.refusal().startsWith("3 copies need 3 fault domains (nodes) with a healthy drive; the pool has 2"),
            choice.refusal());

        assertTrue(Placement.choose(pool, 3, FaultDomainLevel.DRIVE, EXTENT, 0).ok(),
            "with drive as the fault domain, one node's drives may hold copies");
    }

    @Test
    void refusesAVolumeThePoolCannotHold()
    {
        final List<Candidate> pool = List.of(
            new Candidate("a", "node-1", "node-1", 1 * GIB, 0, true),
            new Candidate("b", "node-2", "node-2", 1 * GIB, 0, true));
        assertTrue(Placement.planVolume(pool, 4, 2, FaultDomainLevel.NODE, EXTENT).ok());
        final Placement.Plan tooBig = Placement.planVolume(pool, 5, 2, FaultDomainLevel.NODE, EXTENT);
        assertFalse(tooBig.ok());
        assertTrue(tooBig.refusal().startsWith("slab 4 of 5: 2 copies need 2 fault domains (nodes) with 268435456 bytes free"),
            tooBig.refusal());
    }

    @Test
    void aRebuiltCopyGoesToTheLeastUsedNodeTheOtherCopiesDoNotUse()
    {
        final long gib = 1L << 30;
        final List<Candidate> pool = List.of(
            new Candidate("a", "node-1", "node-1", 8 * gib, 0, true),
            new Candidate("b", "node-2", "node-2", 8 * gib, 0, true),
            new Candidate("c", "node-3", "node-3", 8 * gib, 0, false),  // the lost one
            new Candidate("d", "node-4", "node-4", 8 * gib, 4 * gib, true),
            new Candidate("e", "node-5", "node-5", 8 * gib, gib, true),
            new Candidate("f", "node-1", "node-1", 8 * gib, 0, true));
        final Placement.Choice choice = Placement.replace(pool, List.of("a", "b"), FaultDomainLevel.NODE, gib);
        assertTrue(choice.ok(), choice.refusal());
        assertEquals(List.of("e"), choice.driveIds(), "not node-1 or node-2 (the kept copies), not the unhealthy drive");

        final Placement.Choice none = Placement.replace(pool.subList(0, 3), List.of("a", "b"), FaultDomainLevel.NODE, gib);
        assertFalse(none.ok());
        assertEquals("no node other than those of the slab's other copies (node-1, node-2) has a healthy drive with 1073741824 bytes free",
            none.refusal());
        assertEquals(List.of("f"), Placement.replace(List.of(pool.get(0), pool.get(1), pool.get(5)), List.of("a", "b"),
            FaultDomainLevel.DRIVE, gib).driveIds(), "with drives as fault domains, another drive of a kept node will do");
    }

    @Test
    void withANodeAwayANewSlabPutsItsMissingCopyStaleOnTheAwayNodeWhileAMajorityIsHealthy()
    {
        final List<Candidate> healthy = List.of(
            new Candidate("a", "node-1", "node-1", 8 * GIB, 0, true),
            new Candidate("b", "node-2", "node-2", 8 * GIB, 0, true),
            new Candidate("a2", "node-1", "node-1", 8 * GIB, 0, true));
        final List<Candidate> away = List.of(new Candidate("c", "node-3", "node-3", 8 * GIB, 0, false));
        final Placement.Choice choice = Placement.chooseAllowingAway(healthy, away, 3, FaultDomainLevel.NODE, EXTENT, 0);
        assertTrue(choice.ok(), choice.refusal());
        assertEquals(3, choice.driveIds().size());
        assertEquals(java.util.Set.of("c"), choice.away(), "the away drive's copy starts stale");
        assertEquals(3, choice.driveIds().stream().map(id -> id.substring(0, 1)).distinct().count(), "three nodes still");

        final Placement.Choice noMajority = Placement.chooseAllowingAway(healthy.subList(0, 1), List.of(away.get(0),
            new Candidate("d", "node-4", "node-4", 8 * GIB, 0, false)), 3, FaultDomainLevel.NODE, EXTENT, 0);
        assertFalse(noMajority.ok(), "one healthy node of three is not a majority: " + noMajority);

        final Placement.Choice allHealthy = Placement.chooseAllowingAway(List.of(healthy.get(0), healthy.get(1),
            new Candidate("e", "node-5", "node-5", 8 * GIB, 0, true)), away, 3, FaultDomainLevel.NODE, EXTENT, 0);
        assertTrue(allHealthy.ok() && allHealthy.away().isEmpty(), "healthy drives first: " + allHealthy);
    }
}
