package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cistern pool [optimize]}: capacity of the pool, its drives by health and media, and its nodes. */
@Command(name = "pool", description = "Show the pool: capacity, drives by health and media, nodes.",
    subcommands = PoolCommand.Optimize.class)
final class PoolCommand implements Callable<Integer>
{
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "Print the API's JSON document.")
    boolean json;

    @Override
    public Integer call()
    {
        final JsonNode pool = cluster.document("/api/v1/pool", json);
        if (pool == null)
        {
            return 0;
        }
        System.out.printf("Pool: %d drive(s) on %d node(s)%n", pool.path("driveCount").asInt(), pool.path("nodes").size());
        System.out.printf("  total      %s%n", ByteSize.format(pool.path("totalBytes").asLong()));
        System.out.printf("  allocated  %s%n", ByteSize.format(pool.path("allocatedBytes").asLong()));
        System.out.printf("  free       %s%n", ByteSize.format(pool.path("freeBytes").asLong()));
        final long total = pool.path("totalBytes").asLong();
        final long provisioned = pool.path("provisionedBytes").asLong();
        System.out.printf("  provisioned %s (the volumes' size times their copies)%s%n", ByteSize.format(provisioned),
            pool.path("overcommitted").asBoolean() ? String.format("%n  WARNING: thin volumes promise %s more than the pool has (%.0f%% " +
                "of its capacity); writes fail once it is full: add drives, or make fewer promises", ByteSize.format(provisioned - total),
                100.0 * provisioned / Math.max(1, total)) : "");
        System.out.printf("  by health  %s%n", nonZero(pool.path("drivesByHealth")));
        System.out.printf("  by media   %s%n%n", nonZero(pool.path("drivesByMedia")));
        final Table table = new Table("NODE", "STATUS", "REACHABLE", "DRIVES", "ADDRESS");
        pool.path("nodes").forEach(n -> table.row(n.path("name").asText(), n.path("status").asText(),
            n.path("reachable").asBoolean() ? "yes" : "no", n.path("drives").asInt(), n.path("address").asText()));
        table.print(System.out);
        return 0;
    }

    private static String nonZero(final JsonNode counts)
    {
        final List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(e ->
        {
            if (e.getValue().asInt() > 0)
            {
                parts.add(e.getKey() + " " + e.getValue().asInt());
            }
        });
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    @Command(name = "optimize", description = "Rebalance now: move copies from fuller drives to emptier ones until drive " +
        "utilisation is within cistern.repair.rebalance-spread (it also runs by itself).")
    static final class Optimize implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--json", description = "Print the API's JSON document.")
        boolean json;

        @Override
        public Integer call()
        {
            final JsonNode answer = cluster.call("POST", "/api/v1/pool/optimize", null, json);
            if (answer != null)
            {
                System.out.printf("Drive utilisation spread: %.1f percentage points; %s%n", answer.path("spread").asDouble(),
                    answer.path("detail").asText());
            }
            return 0;
        }
    }
}
