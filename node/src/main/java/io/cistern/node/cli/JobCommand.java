package io.cistern.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cistern.config.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code cistern job list}: the repair jobs of every node. */
@Command(name = "job", description = "Repair jobs: resync, rebuild, rebalance, scrub.", subcommands = {JobCommand.ListJobs.class,
    JobCommand.Scrub.class})
final class JobCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: cistern job list | scrub");
    }

    @Command(name = "list", description = "List the jobs every live node runs and has run: id, type, slab, state, progress, rate, ETA.")
    static final class ListJobs implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--json", description = "Print one JSON document with every node's jobs.")
        boolean json;

        @Option(names = "--follow", description = "Print the running jobs' progress every 2 s until none runs (at most --for).")
        boolean follow;

        @Option(names = "--for", defaultValue = "1h", paramLabel = "DURATION",
            description = "With --follow: stop following after this long (default: ${DEFAULT-VALUE}).")
        String patience;

        @Override
        public Integer call() throws Exception
        {
            final ApiClient api = cluster.client();
            final ObjectMapper mapper = new ObjectMapper();
            if (follow)
            {
                return follow(api, mapper, Durations.parse("--for", patience));
            }
            final ArrayNode all = jobs(api, mapper);
            if (json)
            {
                System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.createObjectNode().set("jobs", all)));
                return 0;
            }
            final Table table = new Table("ID", "TYPE", "VOLUME", "SLAB", "COPY", "FROM", "STATE", "DONE", "TOTAL", "RATE", "ETA", "DETAIL");
            for (final JsonNode j : all)
            {
                final long eta = j.path("etaSeconds").asLong();
                table.row(j.path("id").asText(), j.path("type").asText(), j.path("volumeId").asText(), j.path("slab").asText(),
                    j.path("copy").asText(), j.path("source").asText().isEmpty() ? "-" : j.path("source").asText(), j.path("state").asText(), ByteSize.format(j.path("bytesDone").asLong()),
                    ByteSize.format(j.path("bytesTotal").asLong()), ByteSize.format(j.path("rate").asLong()) + "/s",
                    eta < 0 ? "-" : eta + "s", detail(j));
            }
            table.print(System.out);
            return 0;
        }

        /** Every live node's jobs: jobs run where the copy they repair lives, so each node is asked for its own. */
        private ArrayNode jobs(final ApiClient api, final ObjectMapper mapper)
        {
            final ArrayNode all = mapper.createArrayNode();
            for (final String endpoint : cluster.endpoints(api))
            {
                api.getJson(endpoint + "/api/v1/jobs").path("jobs").forEach(all::add);
            }
            return all;
        }

        /** A line per running job every 2 s, until none runs; exits 1 if some still run after {@code patience}. */
        private int follow(final ApiClient api, final ObjectMapper mapper, final java.time.Duration patience) throws InterruptedException
        {
            final long deadline = System.nanoTime() + patience.toNanos();
            while (true)
            {
                int running = 0;
                for (final JsonNode j : jobs(api, mapper))
                {
                    if (j.path("state").asText().equals("RUNNING"))
                    {
                        running++;
                        final long total = Math.max(1, j.path("bytesTotal").asLong());
                        System.out.printf("%s %s slab %s copy %s: %s of %s (%.0f%%), %s/s%n", j.path("id").asText(), j.path("type").asText(),
                            j.path("slab").asText(), j.path("copy").asText(), ByteSize.format(j.path("bytesDone").asLong()),
                            ByteSize.format(j.path("bytesTotal").asLong()), 100.0 * j.path("bytesDone").asLong() / total,
                            ByteSize.format(j.path("rate").asLong()));
                    }
                }
                if (running == 0)
                {
                    System.out.println("No job is running.");
                    return 0;
                }
                if (System.nanoTime() > deadline)
                {
                    System.out.printf("%d job(s) still running after %s%n", running, patience);
                    return Cistern.CLUSTER_ERROR;
                }
                Thread.sleep(2000);
            }
        }
    }

    private static String detail(final JsonNode job)
    {
        if (job.path("mapLost").asBoolean())
        {
            return "write-intent map lost: whole extent";
        }
        final long resumedFrom = job.path("resumedFrom").asLong();
        final String detail = job.path("detail").asText();
        return resumedFrom == 0 ? detail :
            ("resumed from checkpoint at " + ByteSize.format(resumedFrom) + (detail.isEmpty() ? "" : "; " + detail));
    }

    @Command(name = "scrub", description = "Start a scrub pass now on every live node (it also runs every cistern.repair.scrub-interval).")
    static final class Scrub implements Callable<Integer>
    {
        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call()
        {
            final ApiClient api = cluster.client();
            for (final String endpoint : cluster.endpoints(api))
            {
                api.send("POST", endpoint + "/api/v1/scrub", null);
                System.out.println("Scrub started on " + endpoint + " (cistern job list shows it)");
            }
            return 0;
        }
    }
}
