package dev.promptengine.bench.query;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.workload.KafkaClients;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Re-pricing over 1 M stored executions (30 days, COPY into analytics-service's raw tables with the
 * seed's prices, rolled up by its rebuild): a dry run against today's default catalog (cost-service's
 * quote), then the apply, timed until analytics-service has applied every correction to raw facts and
 * rollups ({@code corrections_applied == corrections_published}). Baseline in the same run on the same
 * rows: recomputing every rollup of the range from the raw facts (the rebuild command).
 */
public final class RepricingScenario implements Scenario {

    static final int DAYS = 30;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return "repricing";
    }

    @Override
    public String description() {
        return "re-pricing 1 M executions: dry run and apply until every rollup agrees, vs recomputing the"
                + " rollups from raw facts";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require("cost-service");
        context.services().require(QueryScenario.MODULE);
        String kafka = context.infrastructure().kafka();
        // topics of its own: what other scenarios left on the pipeline's topics is not this run's
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String usage = "bench.repricing.usage." + suffix;
        String costed = "bench.repricing.costed." + suffix;
        String corrections = "bench.repricing.corrections." + suffix;
        createTopics(kafka, usage, costed, corrections, usage + ".dlt", costed + ".dlt", corrections + ".dlt");
        var cost = context.services()
                .start("cost-service", kafka, context.infrastructure().newDatabase("bench_repricing_cost"), Map.of());
        var database = context.infrastructure().newDatabase("bench_repricing");
        var analytics = context.services()
                .start(
                        QueryScenario.MODULE,
                        kafka,
                        database,
                        Map.of(
                                "promptengine.analytics.topics.usage",
                                usage,
                                "promptengine.analytics.topics.execution-costed",
                                costed,
                                "promptengine.analytics.topics.cost-correction",
                                corrections,
                                "promptengine.repricing.pricing-url",
                                cost.uri("").toString(),
                                "promptengine.analytics.retention.raw-days",
                                "400",
                                "promptengine.analytics.retention.content-days",
                                "400"));
        long executions = Math.max(
                10_000, Math.round(1_000_000 * Math.min(1, context.options().scale())));
        Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
        Instant start = end.minus(DAYS, ChronoUnit.DAYS);
        var http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String admin = context.services().keys().admin();

        QueryScenario.rebuild(http, analytics, admin, start, end); // creates the partitions of the range
        QueryScenario.load(database, executions, start, end);
        QueryScenario.rebuild(http, analytics, admin, start, end);
        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE analytics.execution_fact, analytics.execution_rollup_hourly,"
                    + " analytics.execution_rollup_daily, analytics.execution_summary_hourly,"
                    + " analytics.execution_summary_daily");
        }
        String scope = "{\"from\": \"" + start + "\", \"to\": \"" + end + "\", \"tenant\": \"" + Services.TENANT
                + "\", \"dry_run\": %s}";

        var dryRuns = context.repeat("dry run", () -> {
            long started = System.nanoTime();
            JsonNode answer = post(http, analytics.uri("/v1/repricing"), admin, scope.formatted("true"));
            double seconds = (System.nanoTime() - started) / 1e9;
            long inScope = answer.get("executions_in_scope").asLong();
            if (inScope != executions) {
                throw new IllegalStateException("the dry run saw " + inScope + " of " + executions + " executions");
            }
            return inScope / seconds;
        });
        context.record(
                MetricSpec.throughput(
                        "repricing.dry-run", "dry run (diff from raw facts, quotes by cost-service)", "executions/s"),
                dryRuns);

        // apply once: afterwards every execution costs today's price, a second apply changes nothing
        long started = System.nanoTime();
        JsonNode applied = post(http, analytics.uri("/v1/repricing"), admin, scope.formatted("false"));
        double published = (System.nanoTime() - started) / 1e9;
        long corrected = applied.get("corrections_published").asLong();
        String id = applied.get("repricing_id").asString();
        while (true) {
            JsonNode run = get(http, analytics.uri("/v1/repricing/" + id), admin);
            if (run.get("corrections_applied").asLong() >= corrected) {
                break;
            }
            if ((System.nanoTime() - started) > Duration.ofMinutes(30).toNanos()) {
                throw new IllegalStateException("corrections not applied after 30 minutes: " + run);
            }
            Thread.sleep(200);
        }
        double agreed = (System.nanoTime() - started) / 1e9;
        var heap = analytics.memory();
        verify(database, corrected);
        long rebuildStarted = System.nanoTime();
        QueryScenario.rebuild(http, analytics, admin, start, end);
        double rebuild = (System.nanoTime() - rebuildStarted) / 1e9;
        verify(database, corrected); // the recomputation gives the same rollups

        context.note(String.format(
                "%,d executions over %d days (%s .. %s) priced with the seed's prices, re-priced with today's default"
                        + " catalog; apply: %,d corrections published in %.1f s, all applied to raw facts and the four"
                        + " execution rollups %.1f s after the request; recomputing the same rollups from the corrected"
                        + " raw facts (rebuild): %.1f s. Apply is measured once per suite run (a second apply of the"
                        + " same catalog changes nothing).",
                executions, DAYS, start, end, corrected, published, agreed, rebuild));
        context.record(
                MetricSpec.throughput(
                        "repricing.apply", "apply: executions re-priced until every rollup agrees", "executions/s"),
                List.of(corrected / agreed));
        context.record(
                MetricSpec.amount("repricing.apply.seconds", "apply: request to every rollup agreeing", "s"),
                List.of(agreed));
        context.record(
                MetricSpec.amount("repricing.rebuild.seconds", "baseline: recompute the rollups from raw facts", "s"),
                List.of(rebuild));
        context.record(
                MetricSpec.amount(
                        "memory.analytics-service.heap.repricing",
                        "analytics-service peak heap used (re-pricing)",
                        "MiB"),
                List.of(heap.peakHeapUsedMiB()));
    }

    /** Every execution re-priced once, and the rollups' cost and unpriced counts equal the raw facts'. */
    private static void verify(dev.promptengine.bench.Infrastructure.Database database, long corrected)
            throws Exception {
        try (var connection = database.connect();
                var statement = connection.createStatement();
                var rs = statement.executeQuery("""
                        SELECT (SELECT count(*) FROM analytics.execution_fact WHERE cost_revision = 1),
                               (SELECT coalesce(sum(total_cost), 0) FROM analytics.execution_fact),
                               (SELECT coalesce(sum(total_cost), 0) FROM analytics.execution_summary_daily),
                               (SELECT coalesce(sum(total_cost), 0) FROM analytics.execution_rollup_hourly),
                               (SELECT count(*) FROM analytics.execution_fact WHERE pricing_status <> 'priced'),
                               (SELECT coalesce(sum(unpriced_count), 0) FROM analytics.execution_summary_daily)
                        """)) {
            rs.next();
            BigDecimal raw = rs.getBigDecimal(2);
            if (rs.getLong(1) != corrected
                    || raw.compareTo(rs.getBigDecimal(3)) != 0
                    || raw.compareTo(rs.getBigDecimal(4)) != 0
                    || rs.getLong(5) != rs.getLong(6)) {
                throw new IllegalStateException(String.format(
                        "re-pricing left raw facts and rollups apart: revised %d of %d, cost raw %s daily %s hourly %s,"
                                + " unpriced raw %d rollup %d",
                        rs.getLong(1),
                        corrected,
                        raw,
                        rs.getBigDecimal(3),
                        rs.getBigDecimal(4),
                        rs.getLong(5),
                        rs.getLong(6)));
            }
        }
    }

    private static void createTopics(String kafka, String... names) throws Exception {
        var config = new HashMap<String, Object>(KafkaClients.security());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (var admin = Admin.create(config)) {
            admin.createTopics(java.util.Arrays.stream(names)
                            .map(name -> new NewTopic(name, 6, (short) 1))
                            .toList())
                    .all()
                    .get();
        }
    }

    private static JsonNode post(HttpClient http, java.net.URI uri, String key, String body) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofMinutes(60))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static JsonNode get(HttpClient http, java.net.URI uri, String key) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofMinutes(1))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
