import io.cistern.actors.placement.Candidate;
import io.cistern.actors.placement.Placement;
import io.cistern.actors.repair.RebalancePlan;
import io.cistern.actors.repair.RebuildPlan;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.config.FaultDomainLevel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one machine cannot hold as processes: Storage Spaces Direct's largest pool (16 nodes x 25 drives)
 * in memory, filled with slabs through the real {@link Placement}, then the real planners for a lost
 * node ({@link RebuildPlan}) and an added one ({@link RebalancePlan}). Prints time, heap and the spread of
 * drive utilisation at each step. Not a test; no processes, no journal: the control plane's pure
 * decisions at scale.
 * <p>
 * Run (after a build): java -Xmx16g -cp "node/target/cistern-node.jar:node/target/lib/*" bench/PoolSimulation.java
 * [slabs=16000000] [nodes=16] [drives=25] [slabMiB=256] [copies=3] [rebalanceMoves=20000]
 */
public final class PoolSimulation
{
    public static void main(final String[] args)
    {
        final Map<String, Long> opt = new HashMap<>(Map.of("slabs", 16_000_000L, "nodes", 16L, "drives", 25L, "slabMiB", 256L,
            "copies", 3L, "rebalanceMoves", 20_000L, "volumes", 16L));
        for (final String arg : args)
        {
            final String[] kv = arg.split("=", 2);
            if (!opt.containsKey(kv[0]))
            {
                throw new IllegalArgumentException("unknown option " + kv[0] + "; known: " + opt.keySet());
            }
            opt.put(kv[0], Long.parseLong(kv[1]));
        }
        final int slabs = opt.get("slabs").intValue();
        final int nodes = opt.get("nodes").intValue();
        final int drivesPerNode = opt.get("drives").intValue();
        final long extentBytes = opt.get("slabMiB") << 20;
        final int copies = opt.get("copies").intValue();
        final int volumes = opt.get("volumes").intValue();
        // Drives sized so the pool ends about 75 % full: the footprint over the drives, plus a third.
        final long capacity = (long)((double)slabs * copies * extentBytes / (nodes * drivesPerNode) * 4 / 3);
        System.out.printf("pool: %d nodes x %d drives of %.1f TiB; %,d slabs of %d MiB x %d copies in %d volumes%n",
            nodes, drivesPerNode, capacity / Math.pow(2, 40), slabs, extentBytes >> 20, copies, volumes);

        final List<Candidate> pool = new ArrayList<>();
        for (int n = 1; n <= nodes; n++)
        {
            addNode(pool, n, drivesPerNode, capacity);
        }
        final Map<String, Integer> position = positions(pool);
        final Map<String, String> nodeOf = new HashMap<>();
        pool.forEach(d -> nodeOf.put(d.driveId(), d.node()));

        final long heapBefore = usedHeap();
        long started = System.nanoTime();
        final List<SlabLayout> layouts = new ArrayList<>(slabs);
        final int perVolume = (slabs + volumes - 1) / volumes;
        for (int s = 0; s < slabs; s++)
        {
            final int index = s % perVolume;
            final Placement.Choice choice = Placement.choose(pool, copies, FaultDomainLevel.NODE, extentBytes, index);
            if (!choice.ok())
            {
                throw new IllegalStateException("slab " + s + ": " + choice.refusal());
            }
            final ArrayList<Extent> extents = new ArrayList<>(copies);
            for (int c = 0; c < copies; c++)
            {
                final String drive = choice.driveIds().get(c);
                final int at = position.get(drive);
                pool.set(at, pool.get(at).plus(extentBytes));
                extents.add(new Extent(c, drive, nodeOf.get(drive), ExtentState.IN_SYNC));
            }
            layouts.add(new SlabLayout(s / perVolume + 1, index, 1, extentBytes, extents));
            if ((s + 1) % 2_000_000 == 0)
            {
                System.out.printf("  placed %,d slabs, %.0f s%n", s + 1, (System.nanoTime() - started) / 1e9);
            }
        }
        final double placeSeconds = (System.nanoTime() - started) / 1e9;
        final long heapLayouts = usedHeap() - heapBefore;
        System.out.printf("placement: %,d slabs in %.1f s = %,.0f slabs/s; layouts hold %.1f GiB of heap = %d bytes per slab%n",
            slabs, placeSeconds, slabs / placeSeconds, heapLayouts / Math.pow(2, 30), heapLayouts / slabs);
        System.out.println("  " + spread(pool));

        // A node is lost for good: its drives retire and their copies are planned elsewhere.
        final String lost = "node-" + nodes;
        final Set<String> retiring = new HashSet<>();
        final List<Candidate> withoutLost = new ArrayList<>();
        for (final Candidate d : pool)
        {
            if (d.node().equals(lost))
            {
                retiring.add(d.driveId());
                withoutLost.add(new Candidate(d.driveId(), d.node(), d.faultDomain(), d.capacityBytes(), d.allocatedBytes(), false));
            }
            else
            {
                withoutLost.add(d);
            }
        }
        started = System.nanoTime();
        final RebuildPlan.Plan rebuild = RebuildPlan.of(layouts, withoutLost, retiring, id -> FaultDomainLevel.NODE);
        final double rebuildSeconds = (System.nanoTime() - started) / 1e9;
        final List<Candidate> afterRebuild = apply(withoutLost, rebuild.moves(), extentBytes);
        afterRebuild.removeIf(d -> retiring.contains(d.driveId()));
        System.out.printf("rebuild plan for %s lost: %,d copies moved, %,d blocked, planned in %.1f s%n",
            lost, rebuild.moves().size(), rebuild.blocked().size(), rebuildSeconds);
        System.out.println("  after the rebuild: " + spread(afterRebuild));

        // A node is added (to the full pool, before the loss): one planner round of moves onto its drives.
        final List<Candidate> grown = new ArrayList<>(pool);
        addNode(grown, nodes + 1, drivesPerNode, capacity);
        final int rebalanceMoves = opt.get("rebalanceMoves").intValue();
        started = System.nanoTime();
        final RebalancePlan.Plan rebalance = RebalancePlan.of(layouts, grown, id -> FaultDomainLevel.NODE, 0.10, rebalanceMoves);
        final double rebalanceSeconds = (System.nanoTime() - started) / 1e9;
        final long toFill = (long)(capacity * drivesPerNode * 0.75 * nodes / (nodes + 1) / extentBytes);
        System.out.printf("rebalance plan for node-%d added: spread %.1f %% before; %,d moves planned in %.1f s (%.2f ms per move);"
                + " about %,d moves fill it to the pool's average%n", nodes + 1, rebalance.spread() * 100, rebalance.moves().size(),
            rebalanceSeconds, rebalanceSeconds * 1000 / Math.max(1, rebalance.moves().size()), toFill);
        System.out.println("  after those moves: " + spread(apply(grown, rebalance.moves(), extentBytes)));
        System.out.printf("heap in use at the end: %.1f GiB%n", usedHeap() / Math.pow(2, 30));
    }

    private static void addNode(final List<Candidate> pool, final int n, final int drives, final long capacity)
    {
        for (int d = 1; d <= drives; d++)
        {
            pool.add(new Candidate(("n" + n + "-d" + d).intern(), ("node-" + n).intern(), ("node-" + n).intern(), capacity, 0, true));
        }
    }

    private static Map<String, Integer> positions(final List<Candidate> pool)
    {
        final Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < pool.size(); i++)
        {
            position.put(pool.get(i).driveId(), i);
        }
        return position;
    }

    private static List<Candidate> apply(final List<Candidate> pool, final List<RebuildPlan.Move> moves, final long bytes)
    {
        final List<Candidate> after = new ArrayList<>(pool);
        final Map<String, Integer> position = positions(after);
        for (final RebuildPlan.Move move : moves)
        {
            final int from = position.get(move.fromDriveId());
            final int to = position.get(move.driveId());
            after.set(from, after.get(from).plus(-bytes));
            after.set(to, after.get(to).plus(bytes));
        }
        return after;
    }

    private static String spread(final List<Candidate> pool)
    {
        double min = 1;
        double max = 0;
        double sum = 0;
        int healthy = 0;
        for (final Candidate d : pool)
        {
            if (!d.healthy())
            {
                continue;
            }
            min = Math.min(min, d.utilisation());
            max = Math.max(max, d.utilisation());
            sum += d.utilisation();
            healthy++;
        }
        return String.format("drive utilisation over %d healthy drives: min %.2f %%, mean %.2f %%, max %.2f %% (spread %.2f points)",
            healthy, min * 100, sum / healthy * 100, max * 100, (max - min) * 100);
    }

    private static long usedHeap()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        final Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
