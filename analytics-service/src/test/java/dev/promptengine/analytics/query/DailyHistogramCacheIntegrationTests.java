package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.promptengine.analytics.query.AnalyticsFixture.Execution;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DailyHistogramCacheIntegrationTests extends QueryApiTestSupport {

    @Test
    void lateEventsInvalidateTheCachedHistogramOfTheirDay() {
        // Given three executions of prompt "late" on D-2, and a query that caches that day
        var fixture = fixture();
        for (long latency : new long[] {100, 200, 300}) {
            fixture.insert(late(latency));
        }
        fixture.rebuildRollups(at(-2, 0, 0), at(-1, 0, 0));
        var range = params(
                "prompt",
                "late",
                "from",
                at(-2, 0, 0).toString(),
                "to",
                at(0, 0, 0).toString());
        var before = get("/v1/analytics/usage-stats", range, INITECH_ANALYST).json();

        // When four slow executions of that day arrive late
        for (int i = 0; i < 4; i++) {
            fixture.insert(late(5000));
        }
        fixture.rebuildRollups(at(-2, 0, 0), at(-1, 0, 0));
        var after = get("/v1/analytics/usage-stats", range, INITECH_ANALYST).json();

        // Then the day is merged again: the median moves from 200 ms to 5000 ms
        assertThat(before.get("p50_latency_ms").asDouble()).isCloseTo(200, within(200 * 0.02));
        assertThat(after.get("total_executions").asLong()).isEqualTo(7);
        assertThat(after.get("p50_latency_ms").asDouble()).isCloseTo(5000, within(5000 * 0.02));
        assertThat(jdbc.sql("""
                                SELECT execution_count FROM latency_histogram_cache
                                WHERE tenant = 'initech' AND filter_key LIKE '["late"%' AND day = :day
                                """)
                        .param("day", at(-2, 0, 0).atOffset(java.time.ZoneOffset.UTC))
                        .query(Long.class)
                        .single())
                .isEqualTo(7);
    }

    private static Execution late(long latencyMs) {
        UUID id = UUID.randomUUID();
        return new Execution(
                TestData.INITECH,
                id,
                UUID.randomUUID(),
                at(-2, 15, 0),
                "late",
                1,
                "production",
                "openai",
                "gpt-4o",
                "success",
                "none",
                null,
                10,
                10,
                latencyMs,
                new BigDecimal("0.001"),
                null,
                null);
    }
}
