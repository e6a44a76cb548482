package dev.promptengine.bench;

import dev.promptengine.bench.baseline.SyncLoggingScenario;
import dev.promptengine.bench.client.ClientScenario;
import dev.promptengine.bench.endtoend.EndToEndScenario;
import dev.promptengine.bench.enrichment.EnrichmentScenario;
import dev.promptengine.bench.ingest.HttpIngestScenario;
import dev.promptengine.bench.ingest.OtlpIngestScenario;
import dev.promptengine.bench.ingest.SealedIngestScenario;
import dev.promptengine.bench.live.LiveScenario;
import dev.promptengine.bench.physical.KafkaLimitsScenario;
import dev.promptengine.bench.physical.PostgresCopyScenario;
import dev.promptengine.bench.query.AlertsScenario;
import dev.promptengine.bench.query.QueryScenario;
import dev.promptengine.bench.query.RepricingScenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite's one entry point: {@code bin/bench [scenario ...] [options]} (see
 * {@link Options}). Runs the named scenarios (all by default) with their same-run baselines,
 * prints the Markdown table and writes {@code bench/results/<date>.json} and {@code .md}.
 */
public final class Bench {

    static List<Scenario> all() {
        return List.of(
                new KafkaLimitsScenario(),
                new PostgresCopyScenario(),
                new SyncLoggingScenario(),
                new EndToEndScenario(),
                new EnrichmentScenario(),
                new HttpIngestScenario(),
                new SealedIngestScenario(),
                new OtlpIngestScenario(),
                new ClientScenario(),
                new QueryScenario(),
                new AlertsScenario(),
                new RepricingScenario(),
                new LiveScenario());
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        if (options.list()) {
            usage();
            return;
        }
        int exit = new Bench().run(options);
        // the embedded broker and database keep non-daemon threads; shutdown hooks stop them and the services
        System.exit(exit);
    }

    private static void usage() {
        System.err.println("usage: bin/bench [scenario ...] [--runs=3] [--warmups=1] [--scale=1.0]"
                + " [--synchronous-commit=on|off] [--query-executions=10000000] [--budget-minutes=10]"
                + " [--no-baselines]");
        System.err.println("scenarios (default: all):");
        for (Scenario scenario : all()) {
            System.err.printf("  %-16s %s%n", scenario.name(), scenario.description());
        }
    }

    int run(Options options) throws Exception {
        var byName = new LinkedHashMap<String, Scenario>();
        all().forEach(s -> byName.put(s.name(), s));
        var requested = new LinkedHashSet<String>();
        for (String name : options.scenarios().isEmpty() ? List.copyOf(byName.keySet()) : options.scenarios()) {
            Scenario scenario = byName.get(name);
            if (scenario == null) {
                System.err.println("Unknown scenario " + name);
                usage();
                return 2;
            }
            // baselines too, so every ratio is judged against a number from this same run
            requested.addAll(options.baselines() ? scenario.baselines() : List.of());
            requested.add(name);
        }
        // always in the suite's order: baselines first, and no scenario leaves a backlog for the next one's
        // consumers (e2e's services see only their own events; the query scenario's analytics consumes nothing)
        var selected = all().stream().filter(s -> requested.contains(s.name())).toList();

        Instant started = Instant.now();
        Machine machine = Machine.describe();
        var infrastructure = new Infrastructure(options.synchronousCommit());
        var services = new Services(options.repo());
        var context = new BenchContext(options, infrastructure, services);
        BenchContext.log(
                "bench: %d cores, %d MiB, load %.2f; scenarios %s",
                machine.cores(),
                machine.memoryMiB(),
                machine.loadAverageAtStart(),
                selected.stream().map(Scenario::name).toList());

        // both servers up before the first scenario: their start-up is no scenario's time, and the
        // postmaster's CPU counts as the bench's from the start
        infrastructure.kafka();
        infrastructure.postgres();

        var results = new ArrayList<Report.ScenarioResult>();
        var recorded = new LinkedHashMap<String, List<BenchContext.Recorded>>();
        boolean failed = false;
        for (Scenario scenario : selected) {
            BenchContext.log("== %s: %s", scenario.name(), scenario.description());
            context.beginScenario();
            double loadAtStart = Machine.loadAverage();
            var cpu = CpuMeter.start(infrastructure.ownProcessesOutsideTheJvm());
            long began = System.nanoTime();
            String status = "OK";
            String reason = null;
            try {
                scenario.run(context);
            } catch (Scenario.Skipped e) {
                status = "SKIPPED";
                reason = e.getMessage();
                BenchContext.log("   skipped: %s", reason);
            } catch (Exception | AssertionError e) {
                status = "FAILED";
                reason = e.toString();
                failed = true;
                BenchContext.log("   failed: %s", e);
                e.printStackTrace();
            } finally {
                services.stopAll();
            }
            var load = cpu.stop();
            recorded.put(scenario.name(), context.recorded());
            results.add(new Report.ScenarioResult(
                    scenario.name(),
                    scenario.description(),
                    status,
                    reason,
                    (System.nanoTime() - began) / 1e9,
                    load,
                    loadAtStart,
                    Machine.loadAverage(),
                    context.notes(),
                    List.of()));
        }

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("runs", options.runs());
        settings.put("warmups", options.warmups());
        settings.put("scale", options.scale());
        settings.put("synchronous_commit", options.synchronousCommit());
        settings.put("query_executions", options.queryExecutions());
        settings.put("service_heap_max", Services.HEAP);
        var report = new Report(
                started, Instant.now(), machine, settings, infrastructure.facts(), Report.judge(results, recorded));
        var json = report.write(options.results());
        System.out.println(report.markdown());
        BenchContext.log("bench: wrote %s (and .md, latest.md)", json);
        return failed ? 1 : 0;
    }
}
