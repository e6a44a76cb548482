package dev.promptengine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The machine-readable result ({@code bench/results/<date>.json}) and its Markdown table. */
record Report(
        Instant started,
        Instant finished,
        Machine machine,
        Map<String, Object> settings,
        List<String> infrastructure,
        List<ScenarioResult> scenarios) {

    record MetricResult(
            String id,
            String label,
            String unit,
            boolean higherIsBetter,
            List<Double> samples,
            Stats stats,
            String note,
            List<Target.Verdict> targets) {}

    record ScenarioResult(
            String name,
            String description,
            String status,
            String reason,
            double seconds,
            CpuMeter.Load cpu,
            double loadAverageAtStart,
            double loadAverageAtEnd,
            List<String> notes,
            List<MetricResult> metrics) {}

    /** Judges every target now that all baselines of the run are known. */
    static List<ScenarioResult> judge(
            List<ScenarioResult> scenarios, Map<String, List<BenchContext.Recorded>> recorded) {
        var medians = new HashMap<String, Double>();
        recorded.values().stream()
                .flatMap(List::stream)
                .forEach(r -> medians.put(r.spec().id(), Stats.of(r.samples()).median()));
        var judged = new ArrayList<ScenarioResult>();
        for (var scenario : scenarios) {
            var metrics = new ArrayList<MetricResult>();
            for (var r : recorded.getOrDefault(scenario.name(), List.of())) {
                var stats = Stats.of(r.samples());
                var verdicts = r.spec().targets().stream()
                        .map(t -> t.judge(stats.median(), medians::get))
                        .toList();
                var spec = r.spec();
                metrics.add(new MetricResult(
                        spec.id(),
                        spec.label(),
                        spec.unit(),
                        spec.higherIsBetter(),
                        r.samples(),
                        stats,
                        r.note(),
                        verdicts));
            }
            judged.add(new ScenarioResult(
                    scenario.name(),
                    scenario.description(),
                    scenario.status(),
                    scenario.reason(),
                    scenario.seconds(),
                    scenario.cpu(),
                    scenario.loadAverageAtStart(),
                    scenario.loadAverageAtEnd(),
                    scenario.notes(),
                    metrics));
        }
        return judged;
    }

    Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'")
                .withZone(ZoneOffset.UTC)
                .format(started);
        Path json = directory.resolve(stamp + ".json");
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(json.toFile(), this);
        String markdown = markdown();
        Files.writeString(directory.resolve(stamp + ".md"), markdown);
        Files.writeString(directory.resolve("latest.md"), markdown);
        return json;
    }

    String markdown() {
        var out = new StringBuilder();
        var time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
        out.append("Benchmark run of ")
                .append(time.format(started))
                .append(" (")
                .append(Math.round((finished.toEpochMilli() - started.toEpochMilli()) / 60000.0))
                .append(" min) on ")
                .append(machine.cores())
                .append(" cores (")
                .append(machine.cpuModel())
                .append("), ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryMiB() / 1024.0))
                .append(" RAM, ")
                .append(machine.os())
                .append(", ")
                .append(machine.java())
                .append("; load average at start ")
                .append(String.format(Locale.ROOT, "%.2f", machine.loadAverageAtStart()))
                .append(".\n\n");
        out.append("Settings: ").append(settings).append("\n\n");
        for (String fact : infrastructure) {
            out.append("- ").append(fact).append('\n');
        }
        out.append("\nEach metric: ")
                .append(settings.get("warmups"))
                .append(" warm-up run(s), then ")
                .append(settings.get("runs"))
                .append(" measured runs; median, range and spread ((max-min)/median).\n\n");
        out.append("| scenario | metric | median | min – max | spread | target | measured vs target |\n");
        out.append("|---|---|---:|---:|---:|---|---|\n");
        for (var scenario : scenarios) {
            if (!scenario.status().equals("OK")) {
                out.append("| ")
                        .append(scenario.name())
                        .append(" | ")
                        .append(scenario.status())
                        .append(": ")
                        .append(escape(scenario.reason()))
                        .append(" | | | | | |\n");
            }
            for (var metric : scenario.metrics()) {
                var s = metric.stats();
                String targets = metric.targets().stream()
                        .map(Target.Verdict::target)
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("");
                String verdicts = metric.targets().stream()
                        .map(v -> (v.met() == null ? "n/a" : v.met() ? "met" : "**missed**") + " (" + v.detail() + ")")
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("");
                out.append("| ")
                        .append(scenario.name())
                        .append(" | ")
                        .append(escape(metric.label()))
                        .append(" | ")
                        .append(Format.number(s.median()))
                        .append(' ')
                        .append(metric.unit())
                        .append(" | ")
                        .append(Format.number(s.min()))
                        .append(" – ")
                        .append(Format.number(s.max()))
                        .append(" | ")
                        .append(Format.percent(s.spreadPercent()))
                        .append(" | ")
                        .append(escape(targets))
                        .append(" | ")
                        .append(verdicts)
                        .append(" |\n");
            }
        }
        out.append(
                "\nMachine load while each scenario ran (all cores = 100 %; \"others\" is work outside the bench on this shared machine):\n\n");
        out.append("| scenario | status | seconds | machine busy | bench | others | load avg start → end |\n");
        out.append("|---|---|---:|---:|---:|---:|---|\n");
        for (var scenario : scenarios) {
            var cpu = scenario.cpu();
            out.append("| ")
                    .append(scenario.name())
                    .append(" | ")
                    .append(scenario.status())
                    .append(" | ")
                    .append(Math.round(scenario.seconds()))
                    .append(" | ")
                    .append(cpu == null ? "" : Format.percent(cpu.machineBusyPercent()))
                    .append(" | ")
                    .append(cpu == null ? "" : Format.percent(cpu.benchBusyPercent()))
                    .append(" | ")
                    .append(cpu == null ? "" : Format.percent(cpu.othersBusyPercent()))
                    .append(" | ")
                    .append(String.format(
                            Locale.ROOT, "%.2f → %.2f", scenario.loadAverageAtStart(), scenario.loadAverageAtEnd()))
                    .append(" |\n");
        }
        out.append('\n');
        for (var scenario : scenarios) {
            if (!scenario.notes().isEmpty()) {
                out.append("Notes on ").append(scenario.name()).append(":\n");
                scenario.notes().forEach(n -> out.append("- ").append(n).append('\n'));
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
