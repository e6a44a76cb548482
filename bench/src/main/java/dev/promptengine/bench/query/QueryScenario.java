package dev.promptengine.bench.query;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.Infrastructure;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Stats;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.physical.PostgresCopyScenario;
import dev.promptengine.bench.workload.Workload;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;

/**
 * Query latency over 10 million executions (and as many usages) spread over 90 days, bulk-loaded
 * with COPY into analytics-service's own raw tables and rolled up by its own rebuild command
 * ({@code POST /v1/admin/rollups/rebuild}), then usage-stats, prompt performance and a daily
 * timeseries through the HTTP API (analyst key, audit trail on). Baseline in the same run on the
 * same rows: the same answers computed by aggregating the raw tables, as the seed's
 * AnalyticsService does (count, filtered count, sum, average, group by, percentiles).
 */
public final class QueryScenario implements Scenario {

    static final String MODULE = "analytics-service";
    static final int DAYS = 90;
    static final int REQUESTS_PER_RUN = 30;
    static final String SLUG = Workload.slug(0);

    record Query(String name, String label, String path, List<String> rawSql) {}

    @Override
    public String name() {
        return "queries";
    }

    @Override
    public String description() {
        return "usage-stats, prompt performance and timeseries over 10 M executions / 90 days (rollups via the API)"
                + " vs aggregating the raw tables";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(MODULE);
        String kafka = context.infrastructure().kafka();
        var database = context.infrastructure().newDatabase("bench_queries");
        var service = context.services()
                .start(
                        MODULE,
                        kafka,
                        database,
                        Map.of(
                                // the rows come by COPY; events other scenarios left on the topics stay there
                                "spring.kafka.listener.auto-startup", "false",
                                "promptengine.analytics.retention.raw-days", "400",
                                "promptengine.analytics.retention.content-days", "400"));
        long executions = Math.max(
                10_000,
                Math.round(context.options().queryExecutions()
                        * Math.min(1, context.options().scale())));
        Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
        Instant start = end.minus(DAYS, ChronoUnit.DAYS);
        var http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String admin = context.services().keys().admin();

        // the rebuild command creates the day partitions of the range (empty rollups first), then the rows
        rebuild(http, service, admin, start, end);
        long loadStarted = System.nanoTime();
        load(database, executions, start, end);
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        long rebuildStarted = System.nanoTime();
        String rebuilt = rebuild(http, service, admin, start, end);
        double rebuildSeconds = (System.nanoTime() - rebuildStarted) / 1e9;
        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE analytics.execution_fact, analytics.usage_fact,"
                    + " analytics.execution_rollup_hourly, analytics.execution_rollup_daily,"
                    + " analytics.usage_rollup_hourly, analytics.usage_rollup_daily,"
                    + " analytics.execution_summary_hourly, analytics.execution_summary_daily,"
                    + " analytics.usage_summary_hourly, analytics.usage_summary_daily");
        }
        context.note(String.format(
                "%,d executions and %,d usages over %d days (%s .. %s), COPY into analytics' raw tables in %.0f s"
                        + " (%,.0f executions/s with its indexes), rollups rebuilt by analytics-service in %.0f s: %s",
                executions,
                executions,
                DAYS,
                start,
                end,
                loadSeconds,
                executions / loadSeconds,
                rebuildSeconds,
                rebuilt));
        context.note("API: " + REQUESTS_PER_RUN + " sequential requests per run after the warm-up, p50 and p95 of"
                + " each run; raw baseline: one answer per run (each answer = the seed-style statements in sequence)");

        String range = "from=" + start + "&to=" + end;
        String executionRange = "tenant = 'bench' AND occurred_at >= '" + start + "' AND occurred_at < '" + end + "'";
        String usageRange = executionRange;
        var queries = List.of(
                new Query(
                        "usage-stats",
                        "usage-stats, 90 days",
                        "/v1/analytics/usage-stats?" + range,
                        List.of(
                                "SELECT count(*) FROM analytics.usage_fact WHERE " + usageRange,
                                "SELECT count(*), count(*) FILTER (WHERE status = 'success'), coalesce(sum(total_cost), 0),"
                                        + " avg(total_tokens), avg(execution_time_ms) FROM analytics.execution_fact WHERE "
                                        + executionRange,
                                "SELECT environment, count(*) FROM analytics.execution_fact WHERE " + executionRange
                                        + " GROUP BY environment",
                                "SELECT model, count(*) FROM analytics.execution_fact WHERE " + executionRange
                                        + " GROUP BY model",
                                "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY execution_time_ms)"
                                        + " FROM analytics.execution_fact WHERE " + executionRange)),
                new Query(
                        "prompt-performance",
                        "prompt performance (busiest prompt), 90 days",
                        "/v1/analytics/prompts/" + SLUG + "/performance?" + range,
                        List.of(
                                "SELECT count(*), avg(execution_time_ms), count(*) FILTER (WHERE status IN ('error', 'timeout')),"
                                        + " count(*) FILTER (WHERE status = 'success'), sum(input_tokens), sum(output_tokens),"
                                        + " avg(input_tokens), avg(output_tokens) FROM analytics.execution_fact WHERE "
                                        + executionRange + " AND prompt_slug = '" + SLUG + "'",
                                "SELECT date_trunc('day', occurred_at), coalesce(sum(total_cost), 0) FROM analytics.execution_fact"
                                        + " WHERE " + executionRange + " AND prompt_slug = '" + SLUG
                                        + "' GROUP BY 1 ORDER BY 1",
                                "SELECT prompt_version, count(*) FROM analytics.execution_fact WHERE " + executionRange
                                        + " AND prompt_slug = '" + SLUG + "' GROUP BY 1",
                                "SELECT model, count(*) FROM analytics.execution_fact WHERE " + executionRange
                                        + " AND prompt_slug = '" + SLUG + "' GROUP BY 1",
                                "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY execution_time_ms)"
                                        + " FROM analytics.execution_fact WHERE " + executionRange
                                        + " AND prompt_slug = '"
                                        + SLUG + "'")),
                new Query(
                        "timeseries",
                        "timeseries executions per day, 90 days",
                        "/v1/analytics/timeseries?metric=executions&bucket=day&" + range,
                        List.of("SELECT date_trunc('day', occurred_at) AS day, count(*) FROM analytics.execution_fact"
                                + " WHERE " + executionRange + " GROUP BY 1 ORDER BY 1")));

        String analyst = context.services().keys().analyst();
        for (var query : queries) {
            URI uri = service.uri(query.path());
            var api = context.repeat(query.name() + " via API", () -> apiLatency(http, uri, analyst));
            var raw = context.repeat(query.name() + " raw tables", () -> rawLatency(database, query.rawSql()));
            String rawId = "query.raw." + query.name();
            var targets = query.name().equals("usage-stats")
                    ? new Target[] {Target.below(50, "ms"), Target.timesFasterThan(100, rawId)}
                    : new Target[] {Target.timesFasterThan(100, rawId)};
            context.record(
                    MetricSpec.latency("query.api." + query.name() + ".p50", query.label() + ", API p50"),
                    api.stream().map(Latency::p50).toList());
            context.record(
                    MetricSpec.latency("query.api." + query.name() + ".p95", query.label() + ", API p95", targets),
                    api.stream().map(Latency::p95).toList());
            context.record(MetricSpec.latency(rawId, "baseline: " + query.label() + ", raw tables"), raw);
        }
        Services.Memory memory = service.memory();
        context.record(
                MetricSpec.amount(
                        "memory.analytics-service.heap.queries",
                        "analytics-service peak heap used (queries)",
                        "MiB",
                        Target.below(512, "MiB")),
                List.of(memory.peakHeapUsedMiB()));
    }

    record Latency(double p50, double p95) {
        @Override
        public String toString() {
            return String.format("p50 %.1f ms, p95 %.1f ms", p50, p95);
        }
    }

    static Latency apiLatency(HttpClient http, URI uri, String key) throws Exception {
        long[] nanos = new long[REQUESTS_PER_RUN];
        for (int i = 0; i < REQUESTS_PER_RUN; i++) {
            long started = System.nanoTime();
            var response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofMinutes(2))
                            .header("Authorization", "Bearer " + key)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - started;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        Arrays.sort(nanos);
        return new Latency(Stats.percentile(nanos, 50) / 1e6, Stats.percentile(nanos, 95) / 1e6);
    }

    static double rawLatency(Infrastructure.Database database, List<String> statements) throws Exception {
        try (Connection connection = database.connect();
                var statement = connection.createStatement()) {
            long started = System.nanoTime();
            for (String sql : statements) {
                try (var result = statement.executeQuery(sql)) {
                    while (result.next()) {
                        result.getObject(1);
                    }
                }
            }
            return (System.nanoTime() - started) / 1e6;
        }
    }

    static String rebuild(HttpClient http, Services.Service service, String key, Instant from, Instant to)
            throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(service.uri("/v1/admin/rollups/rebuild?from=" + from + "&to=" + to))
                        .timeout(Duration.ofMinutes(60))
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("rebuild answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static final String EXECUTION_COLUMNS =
            "tenant, id, occurred_at, usage_id, prompt_slug, prompt_version, environment,"
                    + " session_id, user_identifier, provider, model, temperature, max_tokens, input_tokens, output_tokens,"
                    + " total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, execution_time_ms,"
                    + " latency_bucket, status, error_type, error_message, capture_mode, pricing_status, currency, input_cost,"
                    + " cached_input_cost, output_cost, total_cost, long_context_applied";
    static final String USAGE_COLUMNS = "tenant, id, occurred_at, prompt_id, prompt_slug, prompt_version, environment,"
            + " session_id, user_identifier, capture_mode";

    /** COPY of executions and usages in time order (sequential index inserts), two connections in parallel. */
    static void load(Infrastructure.Database database, long count, Instant start, Instant end) throws Exception {
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> executions = pool.submit(
                    () -> copy(database, "analytics.execution_fact", EXECUTION_COLUMNS, count, start, end, true));
            Future<?> usages =
                    pool.submit(() -> copy(database, "analytics.usage_fact", USAGE_COLUMNS, count, start, end, false));
            executions.get();
            usages.get();
        } finally {
            pool.shutdownNow();
        }
    }

    static final double LOG_GAMMA = Math.log(1.02 / 0.98);
    static final String[] ERROR_TYPES = {"rate_limit", "authentication", "network", "invalid_request", "other"};
    static final String[] ERRORS = {
        "Rate limit exceeded: 429 Too Many Requests",
        "Invalid API key provided (authentication failed)",
        "Connection reset by peer (network error)",
        "invalid_request: max_tokens is too large",
        "Upstream returned an unexpected payload"
    };
    /** USD per 1M tokens, input and output, for the workload's models (seed catalog). */
    static final Map<String, double[]> PRICES = Map.of(
            "gpt-4o", new double[] {5.00, 15.00},
            "gpt-4o-mini", new double[] {0.15, 0.60},
            "gpt-4o-2024-08-06", new double[] {5.00, 15.00},
            "gpt-3.5-turbo", new double[] {0.50, 1.50},
            "claude-3-5-sonnet-20241022", new double[] {3.00, 15.00},
            "claude-3-haiku-20240307", new double[] {0.25, 1.25});

    private static Void copy(
            Infrastructure.Database database,
            String table,
            String columns,
            long count,
            Instant start,
            Instant end,
            boolean executions)
            throws Exception {
        var random = new SplittableRandom(executions ? 1 : 2);
        var usageIds = new SplittableRandom(3);
        long spanMs = end.toEpochMilli() - start.toEpochMilli();
        try (var connection = database.connect()) {
            var copyIn = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
            var buffer = new ByteArrayOutputStream(1 << 20);
            var line = new StringBuilder(512);
            for (long i = 0; i < count; i++) {
                Instant at = Instant.ofEpochMilli(
                        start.toEpochMilli() + (long) (spanMs * (i + random.nextDouble()) / count));
                line.setLength(0);
                var usageId = new UUID(usageIds.nextLong(), usageIds.nextLong());
                int prompt = (int)
                        Math.min(Workload.PROMPTS - 1, Math.floor(Workload.PROMPTS * Math.pow(random.nextDouble(), 2)));
                int version = 1 + random.nextInt(Workload.VERSIONS);
                int envRoll = random.nextInt(100);
                String environment = Workload.ENVIRONMENTS.get(envRoll < 70 ? 0 : envRoll < 90 ? 1 : 2);
                String session = "session-" + random.nextInt(200_000);
                String user = "user-" + random.nextInt(10_000);
                if (executions) {
                    var model = random.nextInt(100) == 0
                            ? null
                            : Workload.MODELS.get(random.nextInt(Workload.MODELS.size()));
                    int roll = random.nextInt(100);
                    String status = roll < 95 ? "success" : roll < 99 ? "error" : "timeout";
                    int error = random.nextInt(ERRORS.length);
                    long input = 100 + random.nextInt(3000);
                    long output = status.equals("success") ? 20 + random.nextInt(1000) : 0;
                    long cached = random.nextInt(4) == 0 ? input / 2 : 0;
                    long latency =
                            status.equals("timeout") ? 30_000 : Math.round(Math.exp(6.5 + random.nextGaussian() * 0.7));
                    field(line, "bench");
                    field(line, new UUID(random.nextLong(), random.nextLong()));
                    field(line, at);
                    field(line, usageId);
                    field(line, Workload.slug(prompt));
                    field(line, version);
                    field(line, environment);
                    field(line, session);
                    field(line, user);
                    field(line, model == null ? "acme" : model.provider());
                    field(line, model == null ? "acme-large-unreleased" : model.name());
                    field(line, 0.7);
                    field(line, 1024);
                    field(line, input);
                    field(line, output);
                    field(line, input + output);
                    field(line, cached);
                    field(line, 0);
                    field(line, 0);
                    field(line, latency);
                    field(line, latency <= 0 ? 0 : (int) Math.ceil(Math.log(latency) / LOG_GAMMA) + 1);
                    field(line, status);
                    field(
                            line,
                            status.equals("success")
                                    ? "none"
                                    : status.equals("timeout") ? "timeout" : ERROR_TYPES[error]);
                    field(line, status.equals("error") ? ERRORS[error] : null);
                    field(line, "metadata_only");
                    field(line, model == null ? "unpriced" : "priced");
                    field(line, "USD");
                    if (model == null) {
                        field(line, null);
                        field(line, null);
                        field(line, null);
                        field(line, null);
                    } else {
                        double[] price = PRICES.get(model.name());
                        var inputCost =
                                BigDecimal.valueOf((input - cached) * price[0]).movePointLeft(6);
                        var cachedCost =
                                BigDecimal.valueOf(cached * price[0] / 2).movePointLeft(6);
                        var outputCost = BigDecimal.valueOf(output * price[1]).movePointLeft(6);
                        field(line, inputCost.toPlainString());
                        field(line, cachedCost.toPlainString());
                        field(line, outputCost.toPlainString());
                        field(line, inputCost.add(cachedCost).add(outputCost).toPlainString());
                    }
                    field(line, "false");
                } else {
                    field(line, "bench");
                    field(line, usageId);
                    field(line, at);
                    field(line, "p-" + prompt);
                    field(line, Workload.slug(prompt));
                    field(line, version);
                    field(line, environment);
                    field(line, session);
                    field(line, user);
                    field(line, "metadata_only");
                }
                line.setCharAt(line.length() - 1, '\n');
                buffer.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
                if (buffer.size() > (1 << 20)) {
                    copyIn.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                    buffer.reset();
                }
                if (i > 0 && i % 1_000_000 == 0) {
                    BenchContext.log("  loaded %,d %s rows", i, table);
                }
            }
            copyIn.writeToCopy(buffer.toByteArray(), 0, buffer.size());
            long copied = copyIn.endCopy();
            if (copied != count) {
                throw new IllegalStateException("copied " + copied + " of " + count + " into " + table);
            }
        }
        return null;
    }

    private static void field(StringBuilder line, Object value) {
        PostgresCopyScenario.field(line, value);
    }
}
