package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.INITECH;
import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.promptengine.analytics.query.AnalyticsFixture.Execution;
import dev.promptengine.analytics.query.AnalyticsFixture.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 600 executions of prompt {@code bulk} for tenant initech over D-2 and D-1 (version 1: 50..3049 ms,
 * 10 % errors; version 2: 2000..7999 ms, 25 % errors): percentiles from the merged histograms must be
 * within the histogram's 2 % of the exact values, and the differences between versions significant.
 */
class PercentilesAndSignificanceIntegrationTests extends QueryApiTestSupport {

    private static final List<Execution> BULK = new ArrayList<>();
    private static volatile boolean loaded;

    static {
        for (int i = 0; i < 300; i++) {
            BULK.add(bulk(1, i, at(-2, 0, 0).plus(Duration.ofMinutes(9L * i)), 50 + (i * 7919L) % 3000, i % 10 == 0));
            BULK.add(
                    bulk(2, i, at(-2, 0, 4).plus(Duration.ofMinutes(9L * i)), 2000 + (i * 104729L) % 6000, i % 4 == 0));
        }
    }

    @BeforeEach
    void loadBulkOnce() {
        if (!loaded) {
            var fixture = fixture();
            for (Execution e : BULK) {
                fixture.insert(e);
                fixture.insert(
                        new Usage(INITECH, e.usageId(), e.occurredAt(), "bulk", e.version(), "production", null, null));
            }
            fixture.rebuildRollups(at(-2, 0, 0), at(0, 0, 0));
            loaded = true;
        }
    }

    @Test
    void usageStatsPercentilesAreWithin2PercentOfExactValues() {
        var body = get(
                        "/v1/analytics/usage-stats",
                        params(
                                "from",
                                at(-2, 0, 0).toString(),
                                "to",
                                at(0, 0, 0).toString()),
                        INITECH_ANALYST)
                .json();

        assertThat(body.get("total_executions").asLong()).isEqualTo(600);
        for (double q : new double[] {0.50, 0.95, 0.99}) {
            double exact = exactQuantile(e -> true, q);
            String field = "p" + Math.round(q * 100) + "_latency_ms";
            assertThat(body.get(field).asDouble()).as(field).isCloseTo(exact, within(exact * 0.02));
        }
    }

    @Test
    void percentilesOverUnalignedRangesAndPerDayStayWithin2Percent() {
        Instant from = at(-2, 5, 17);
        Instant to = at(-1, 20, 3);
        var stats = get(
                        "/v1/analytics/usage-stats",
                        params("from", from.toString(), "to", to.toString()),
                        INITECH_ANALYST)
                .json();
        var perDay = get(
                        "/v1/analytics/timeseries",
                        params(
                                "metric",
                                "p99_latency_ms",
                                "from",
                                at(-2, 0, 0).toString(),
                                "to",
                                at(0, 0, 0).toString()),
                        INITECH_ANALYST)
                .json()
                .get("series")
                .get(0)
                .get("points");

        Predicate<Execution> inRange =
                e -> !e.occurredAt().isBefore(from) && e.occurredAt().isBefore(to);
        assertThat(stats.get("total_executions").asLong())
                .isEqualTo(BULK.stream().filter(inRange).count());
        double p95 = exactQuantile(inRange, 0.95);
        assertThat(stats.get("p95_latency_ms").asDouble()).isCloseTo(p95, within(p95 * 0.02));
        for (int day = 0; day < 2; day++) {
            Instant start = at(-2 + day, 0, 0);
            double exact = exactQuantile(
                    e -> !e.occurredAt().isBefore(start) && e.occurredAt().isBefore(start.plus(Duration.ofDays(1))),
                    0.99);
            assertThat(perDay.get(day).get("value").asDouble()).isCloseTo(exact, within(exact * 0.02));
        }
    }

    @Test
    void findsClearDifferencesBetweenVersionsSignificant() {
        var body = get(
                        "/v1/analytics/prompts/bulk/versions/compare",
                        params(
                                "versions",
                                "1,2",
                                "from",
                                at(-2, 0, 0).toString(),
                                "to",
                                at(0, 0, 0).toString()),
                        INITECH_ANALYST)
                .json();

        var v1 = body.get("versions").get(0);
        var v2 = body.get("versions").get(1);
        assertThat(v1.get("error_rate").decimalValue()).isEqualByComparingTo("10.0");
        assertThat(v2.get("error_rate").decimalValue()).isEqualByComparingTo("25.0");
        double exactP95 = exactQuantile(e -> e.version() == 2, 0.95);
        assertThat(v2.get("p95_latency_ms").asDouble()).isCloseTo(exactP95, within(exactP95 * 0.02));
        var diff = body.get("differences");
        assertThat(diff.get("error_rate").get("difference").decimalValue()).isEqualByComparingTo("15.0");
        assertThat(diff.get("error_rate").get("significant").asBoolean()).isTrue();
        assertThat(diff.get("average_latency_ms").get("significant").asBoolean())
                .isTrue();
        assertThat(diff.get("average_cost").get("difference").asString()).isEqualTo("0.001");
        // every execution of a version costs the same: no variance, no test
        assertThat(diff.get("average_cost").get("p_value").isNull()).isTrue();
    }

    /** The exact value of 0-based rank floor(q*(n-1)), the definition the histograms estimate. */
    private static double exactQuantile(Predicate<Execution> filter, double q) {
        long[] sorted = BULK.stream()
                .filter(filter)
                .mapToLong(Execution::latencyMs)
                .sorted()
                .toArray();
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    private static Execution bulk(int version, int i, Instant at, long latencyMs, boolean error) {
        return new Execution(
                INITECH,
                UUID.nameUUIDFromBytes(("bulk-" + version + "-" + i).getBytes()),
                UUID.nameUUIDFromBytes(("bulk-usage-" + version + "-" + i).getBytes()),
                at,
                "bulk",
                version,
                "production",
                "openai",
                "gpt-4o",
                error ? "error" : "success",
                error ? "network" : "none",
                error ? "503 Service Unavailable" : null,
                100 + i % 50,
                20,
                latencyMs,
                new BigDecimal(version == 1 ? "0.001" : "0.002"),
                null,
                null);
    }
}
