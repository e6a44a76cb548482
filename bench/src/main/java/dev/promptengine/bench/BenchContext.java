package dev.promptengine.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** What a scenario gets: options, infrastructure, services, and the recorder for its metrics. */
public final class BenchContext {

    /** One measured metric with its runs; judged against its targets when the whole run is done. */
    record Recorded(MetricSpec spec, List<Double> samples, String note) {}

    private final Options options;
    private final Infrastructure infrastructure;
    private final Services services;
    private final List<Recorded> recorded = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long scenarioStarted;

    BenchContext(Options options, Infrastructure infrastructure, Services services) {
        this.options = options;
        this.infrastructure = infrastructure;
        this.services = services;
    }

    public Options options() {
        return options;
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    public Services services() {
        return services;
    }

    /** A bounded event count, scaled by {@code --scale}. */
    public int scaled(int count) {
        return options.scaled(count);
    }

    /**
     * Runs {@code run} for the warm-ups (results dropped) and then the measured runs, and answers
     * the measured results. Stops adding runs beyond the minimum when the scenario's time budget is
     * spent.
     */
    public <T> List<T> repeat(String what, Callable<T> run) throws Exception {
        for (int i = 1; i <= options.warmups(); i++) {
            long started = System.nanoTime();
            T result = run.call();
            log("  %s warm-up %d: %s (%d ms)", what, i, result, elapsedMs(started));
        }
        var results = new ArrayList<T>();
        for (int i = 1; i <= options.runs(); i++) {
            if (i > Options.MIN_RUNS && budgetSpent()) {
                log("  %s: time budget spent, %d runs measured", what, results.size());
                break;
            }
            long started = System.nanoTime();
            T result = run.call();
            results.add(result);
            log("  %s run %d: %s (%d ms)", what, i, result, elapsedMs(started));
        }
        return results;
    }

    public void record(MetricSpec spec, List<Double> samples) {
        record(spec, samples, null);
    }

    public void record(MetricSpec spec, List<Double> samples, String note) {
        recorded.add(new Recorded(spec, List.copyOf(samples), note));
        var stats = Stats.of(samples);
        log(
                "  => %s: median %s %s (min %s, max %s, spread %s)",
                spec.label(),
                Format.number(stats.median()),
                spec.unit(),
                Format.number(stats.min()),
                Format.number(stats.max()),
                Format.percent(stats.spreadPercent()));
    }

    /** A fact the reader needs to interpret this scenario's numbers (setting, size, method). */
    public void note(String text) {
        notes.add(text);
        log("  note: %s", text);
    }

    public static void log(String format, Object... args) {
        System.err.printf(format + "%n", args);
    }

    void beginScenario() {
        recorded.clear();
        notes.clear();
        scenarioStarted = System.nanoTime();
    }

    List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    private boolean budgetSpent() {
        return System.nanoTime() - scenarioStarted > (long) (options.budgetMinutes() * 60e9);
    }

    private static long elapsedMs(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
