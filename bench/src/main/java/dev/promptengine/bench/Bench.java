package dev.promptengine.bench;

import dev.promptengine.bench.baseline.SyncLoggingScenario;
import dev.promptengine.bench.enrichment.EnrichmentScenario;
import dev.promptengine.bench.ingest.HttpIngestScenario;
import dev.promptengine.bench.physical.KafkaLimitsScenario;
import dev.promptengine.bench.physical.PostgresCopyScenario;
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
                new HttpIngestScenario(),
                new EnrichmentScenario());
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
                + " [--synchronous-commit=on|off] [--query-executions=10000000] [--budget-minutes=10]");
        System.err.println("scenarios (default: all):");
        for (Scenario scenario : all()) {
            System.err.printf("  %-16s %s%n", scenario.name(), scenario.description());
        }
    }

    int run(Options options) throws Exception {
        var byName = new LinkedHashMap<String, Scenario>();
        all().forEach(s -> byName.put(s.name(), s));
        var selected = new LinkedHashSet<Scenario>();
        for (String name : options.scenarios().isEmpty() ? List.copyOf(byName.keySet()) : options.scenarios()) {
            Scenario scenario = byName.get(name);
            if (scenario == null) {
                System.err.println("Unknown scenario " + name);
                usage();
                return 2;
            }
            // baselines first, so every ratio is judged against a number from this same run
            for (String baseline : scenario.baselines()) {
                selected.add(byName.get(baseline));
            }
            selected.add(scenario);
        }

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

        var results = new ArrayList<Report.ScenarioResult>();
        var recorded = new LinkedHashMap<String, List<BenchContext.Recorded>>();
        boolean failed = false;
        for (Scenario scenario : selected) {
            BenchContext.log("== %s: %s", scenario.name(), scenario.description());
            context.beginScenario();
            double loadAtStart = Machine.loadAverage();
            var cpu = CpuMeter.start(services.pids());
            long ticksAtStart = services.endedTicks();
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
            var load = cpu.stop(services.pids(), services.endedTicks() - ticksAtStart);
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
