package dev.promptengine.bench.query;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.workload.Workload;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * One alert evaluation cycle of 1,000 rules (600 thresholds and changes, 200 budgets, 200
 * anomalies) over the query data set (bulk-loaded and rolled up as in {@link QueryScenario}, ending
 * now), read from analytics-service's own timers ({@code promptengine.alerts.evaluation} and its
 * database part). Baseline in the same run on the same rows: the same questions asked one by one
 * through the analytics API (usage-stats per window, an hourly timeseries per anomaly), as a client
 * that polled the API to alert would.
 */
public final class AlertsScenario implements Scenario {

    static final String MODULE = "analytics-service";
    static final int RULES = 1_000;
    static final Duration INTERVAL = Duration.ofSeconds(15);
    static final List<String> WINDOWS = List.of("5m", "15m", "1h", "6h", "1d", "7d", "30d");

    /** A rule as the API takes it, and the API requests that ask the same question one by one. */
    record Rule(String json, List<String> questions) {}

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public String description() {
        return "one alert evaluation cycle of 1,000 rules (thresholds, budgets, anomalies) over the query data set"
                + " vs the same questions one by one through the analytics API";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(MODULE);
        var database = context.infrastructure().newDatabase("bench_alerts");
        var service = context.services()
                .start(
                        MODULE,
                        context.infrastructure().kafka(),
                        database,
                        Map.of(
                                "spring.kafka.listener.auto-startup", "false",
                                "promptengine.analytics.retention.raw-days", "400",
                                "promptengine.analytics.retention.content-days", "400",
                                "promptengine.alerts.evaluation-interval", INTERVAL.toSeconds() + "s"));
        long executions = Math.max(
                10_000,
                Math.round(context.options().queryExecutions()
                        * Math.min(1, context.options().scale())));
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(QueryScenario.DAYS, ChronoUnit.DAYS);
        var http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String admin = context.services().keys().admin();
        String analyst = context.services().keys().analyst();

        QueryScenario.rebuild(http, service, admin, start, end);
        long loadStarted = System.nanoTime();
        QueryScenario.load(database, executions, start, end);
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        long rebuildStarted = System.nanoTime();
        QueryScenario.rebuild(http, service, admin, start, end);
        double rebuildSeconds = (System.nanoTime() - rebuildStarted) / 1e9;
        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            statement.execute("ANALYZE");
        }
        context.note(String.format(
                "%,d executions and as many usages over %d days ending %s (the hour the run started), COPY in %.0f s,"
                        + " rollups rebuilt in %.0f s",
                executions, QueryScenario.DAYS, end, loadSeconds, rebuildSeconds));

        // the rules, created through the API like a user would
        Instant now = Instant.now();
        var rules = rules(now);
        for (var rule : rules) {
            post(http, service.uri("/v1/alerts/rules"), analyst, rule.json());
        }
        context.note(String.format(
                "%d rules: 600 thresholds and changes (cost, executions, error_rate, p95_latency_ms, tokens; windows"
                        + " %s; by prompt, environment or model), 200 budgets (day, week, month), 200 anomalies"
                        + " (4 weeks, 1 to 3 hours); evaluated every %d s, a cycle read from analytics-service's timers",
                rules.size(), String.join(", ", WINDOWS), INTERVAL.toSeconds()));

        var cycles = context.repeat("alert evaluation cycle", () -> nextCycle(http, service, admin));
        context.note("machine load during the cycles: " + uptime());
        var baseline =
                context.repeat("same questions one by one via API", () -> oneByOne(http, service, analyst, rules));
        context.note("machine load after the baseline: " + uptime());
        context.record(
                MetricSpec.latency(
                        "alerts.cycle",
                        "alert evaluation cycle, 1,000 rules",
                        Target.below(2_000, "ms"),
                        Target.timesFasterThan(10, "alerts.one-by-one")),
                cycles.stream().map(Cycle::ms).toList());
        context.record(
                MetricSpec.latency("alerts.cycle.database", "alert evaluation cycle, database time"),
                cycles.stream().map(Cycle::databaseMs).toList());
        context.record(
                MetricSpec.latency(
                        "alerts.one-by-one", "baseline: the same questions one by one through the analytics API"),
                baseline);
    }

    record Cycle(double ms, double databaseMs) {
        @Override
        public String toString() {
            return String.format("%.0f ms (%.0f ms database)", ms, databaseMs);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile(
            "^(promptengine_alerts_evaluation(?:_database)?_seconds_(?:sum|count))(?:\\{[^}]*})? ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    /** Waits for the next evaluation cycle and answers its duration and database time (timer deltas). */
    static Cycle nextCycle(HttpClient http, Services.Service service, String key) throws Exception {
        var before = timers(http, service, key);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Map<String, Double> after;
        do {
            Thread.sleep(200);
            after = timers(http, service, key);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no evaluation cycle within 3 minutes");
            }
        } while (after.getOrDefault("promptengine_alerts_evaluation_database_seconds_count", 0.0)
                <= before.getOrDefault("promptengine_alerts_evaluation_database_seconds_count", 0.0));
        double cycles = after.get("promptengine_alerts_evaluation_seconds_count")
                - before.getOrDefault("promptengine_alerts_evaluation_seconds_count", 0.0);
        double seconds = after.get("promptengine_alerts_evaluation_seconds_sum")
                - before.getOrDefault("promptengine_alerts_evaluation_seconds_sum", 0.0);
        double database = after.get("promptengine_alerts_evaluation_database_seconds_sum")
                - before.getOrDefault("promptengine_alerts_evaluation_database_seconds_sum", 0.0);
        return new Cycle(1000 * seconds / cycles, 1000 * database / cycles);
    }

    private static Map<String, Double> timers(HttpClient http, Services.Service service, String key) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(service.uri("/actuator/prometheus"))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
        }
        var values = new LinkedHashMap<String, Double>();
        var matcher = SAMPLE.matcher(response.body());
        while (matcher.find()) {
            values.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return values;
    }

    /** Every rule's questions through the API in sequence; answers the total in ms. */
    static double oneByOne(HttpClient http, Services.Service service, String key, List<Rule> rules) throws Exception {
        long started = System.nanoTime();
        for (var rule : rules) {
            for (String question : rule.questions()) {
                var response = http.send(
                        HttpRequest.newBuilder(service.uri(question))
                                .timeout(Duration.ofMinutes(2))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(question + " answered " + response.statusCode());
                }
            }
        }
        return (System.nanoTime() - started) / 1e6;
    }

    static List<Rule> rules(Instant now) {
        var random = new SplittableRandom(14);
        var rules = new ArrayList<Rule>();
        String[] metrics = {"cost", "executions", "error_rate", "p95_latency_ms", "tokens"};
        for (int i = 0; i < 600; i++) {
            String metric = metrics[i % metrics.length];
            String window = WINDOWS.get(random.nextInt(WINDOWS.size()));
            var scope = scope(random, i);
            boolean change = i % 4 == 3;
            long seconds = seconds(window);
            Instant from = now.minusSeconds(seconds);
            var questions = new ArrayList<>(List.of(stats(from, now, scope)));
            String json =
                    "{\"name\": \"rule %d\", \"metric\": \"%s\", \"scope\": %s, \"window\": \"%s\", \"min_volume\": 5,"
                                    .formatted(i, metric, json(scope), window)
                            + (change
                                    ? " \"condition\": \"change\", \"operator\": \">\", \"threshold\": 50, \"compare_to\": \"previous_window\"}"
                                    : " \"condition\": \"threshold\", \"operator\": \">\", \"threshold\": "
                                            + threshold(metric) + "}");
            if (change) {
                questions.add(stats(from.minusSeconds(seconds), from, scope));
            }
            rules.add(new Rule(json, questions));
        }
        String[] periods = {"day", "week", "month"};
        for (int i = 0; i < 200; i++) {
            String period = periods[i % 3];
            var scope = scope(random, i);
            rules.add(new Rule(
                    "{\"name\": \"budget %d\", \"metric\": \"cost\", \"scope\": %s, \"condition\": \"budget\","
                                    .formatted(i, json(scope))
                            + " \"budget_period\": \"" + period + "\", \"threshold\": \"1000.00\"}",
                    List.of(stats(periodStart(period, now), now, scope))));
        }
        String[] anomalyMetrics = {"cost", "executions", "error_rate"};
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        for (int i = 0; i < 200; i++) {
            String metric = anomalyMetrics[i % 3];
            int hours = 1 + i % 3;
            var scope = Map.of("prompt", Workload.slug(random.nextInt(Workload.PROMPTS)));
            Instant from = hour.minus(Duration.ofDays(28)).minus(Duration.ofHours(hours));
            rules.add(new Rule(
                    "{\"name\": \"anomaly %d\", \"metric\": \"%s\", \"scope\": %s, \"condition\": \"anomaly\","
                                    .formatted(i, metric, json(scope))
                            + " \"operator\": \">\", \"threshold\": 3, \"baseline_weeks\": 4, \"consecutive\": " + hours
                            + ", \"min_volume\": 5}",
                    List.of("/v1/analytics/timeseries?metric=" + metric + "&bucket=hour&from=" + from + "&to=" + hour
                            + filters(scope))));
        }
        return rules;
    }

    private static Map<String, String> scope(SplittableRandom random, int i) {
        return switch (i % 3) {
            case 0 -> Map.of("prompt", Workload.slug(random.nextInt(Workload.PROMPTS)));
            case 1 -> Map.of("environment", Workload.ENVIRONMENTS.get(random.nextInt(Workload.ENVIRONMENTS.size())));
            default ->
                Map.of(
                        "model",
                        Workload.MODELS
                                .get(random.nextInt(Workload.MODELS.size()))
                                .name());
        };
    }

    private static String threshold(String metric) {
        return switch (metric) {
            case "error_rate" -> "10";
            case "p95_latency_ms" -> "5000";
            default -> "1000000";
        };
    }

    private static long seconds(String window) {
        long n = Long.parseLong(window.substring(0, window.length() - 1));
        return switch (window.charAt(window.length() - 1)) {
            case 'm' -> n * 60;
            case 'h' -> n * 3600;
            default -> n * 86400;
        };
    }

    private static Instant periodStart(String period, Instant now) {
        var day = now.atZone(ZoneOffset.UTC).toLocalDate();
        var first = switch (period) {
            case "day" -> day;
            case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> day.withDayOfMonth(1);
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static String stats(Instant from, Instant to, Map<String, String> scope) {
        return "/v1/analytics/usage-stats?from=" + from.truncatedTo(ChronoUnit.SECONDS) + "&to="
                + to.truncatedTo(ChronoUnit.SECONDS) + filters(scope);
    }

    private static String filters(Map<String, String> scope) {
        var out = new StringBuilder();
        scope.forEach(
                (k, v) -> out.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    private static String json(Map<String, String> scope) {
        var out = new StringBuilder("{");
        scope.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "")
                .append('"')
                .append(k)
                .append("\": \"")
                .append(v)
                .append('"'));
        return out.append('}').toString();
    }

    private static void post(HttpClient http, URI uri, String key, String body) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(
                    "creating a rule answered " + response.statusCode() + ": " + response.body() + " for " + body);
        }
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim()
                    + " (1, 5, 15 min load average; runnable/total; last pid)";
        } catch (Exception e) {
            return "unknown";
        }
    }
}
