package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.facts.LatencyHistogram;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.AnalyticsFixture.Execution;
import dev.promptengine.analytics.query.ScopeTotals.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The alert evaluator's one-scan reads ({@link ScopeTotals}, sums and merged histograms per scope
 * combination) must answer what the query API answers for the same filter ({@link WindowTotals}):
 * over ranges with ragged ends, whole hours and whole days, with and without prompts.
 */
class ScopeTotalsIntegrationTests extends QueryApiTestSupport {

    private static final String TENANT = "scopes";
    private static final String[][] COMBINATIONS = {
        {"summarize", "1", "production", "openai", "gpt-4o"},
        {"summarize", "2", "production", "openai", "gpt-4o-mini"},
        {"summarize", "2", "staging", "anthropic", "claude-sonnet"},
        {"classify", "1", "production", "openai", "gpt-4o-mini"},
    };
    private static volatile boolean loaded;

    @Autowired
    ScopeTotals scopeTotals;

    @Autowired
    WindowTotals windowTotals;

    @Test
    void everyScopeCombinationHasTheQueryApisSumsAndPercentiles() {
        load();
        Instant from = at(-6, 7, 25);
        Instant to = at(0, 11, 50);
        for (boolean byPrompt : new boolean[] {true, false}) {
            List<Row> rows = scopeTotals.executions(TENANT, from, to, byPrompt, true);
            assertThat(rows).hasSize(byPrompt ? COMBINATIONS.length : 3);
            long all = 0;
            for (Row row : rows) {
                var s = row.scope();
                var filter = new QueryFilter(
                        from, to, s.prompt(), s.version(), s.environment(), s.provider(), s.model(), null, null);
                var expected = windowTotals.executions(TENANT, filter, true);
                assertThat(row.executions()).as("executions of %s", s).isEqualTo(expected.executions());
                assertThat(row.errors()).as("errors of %s", s).isEqualTo(expected.errors());
                assertThat(row.totalTokens()).as("tokens of %s", s).isEqualTo(expected.totalTokens());
                assertThat(row.totalCost()).as("cost of %s", s).isEqualByComparingTo(expected.totalCost());
                assertThat(row.unpricedExecutions()).isEqualTo(expected.unpricedExecutions());
                LatencyHistogram histogram = row.histogram();
                assertThat(histogram.count()).as("histogram of %s", s).isEqualTo(row.executions());
                assertThat(histogram.quantile(0.95)).as("p95 of %s", s).isEqualTo(expected.p95());
                assertThat(histogram.quantile(0.99)).as("p99 of %s", s).isEqualTo(expected.p99());
                all += row.executions();
            }
            // Every execution of the range is in exactly one combination (none counted per bucket).
            var whole = windowTotals.executions(
                    TENANT, new QueryFilter(from, to, null, null, null, null, null, null, null), false);
            assertThat(all).isEqualTo(whole.executions()).isGreaterThan(250);
        }
    }

    /** About two executions an hour over seven days, in four combinations, latencies over three decades. */
    private void load() {
        if (loaded) {
            return;
        }
        synchronized (ScopeTotalsIntegrationTests.class) {
            if (loaded) {
                return;
            }
            var fixture = fixture();
            var random = new Random(14);
            for (Instant t = at(-7, 0, 0); t.isBefore(at(0, 12, 0)); t = t.plusSeconds(1_500 + random.nextInt(600))) {
                String[] c = COMBINATIONS[random.nextInt(COMBINATIONS.length)];
                boolean error = random.nextInt(10) == 0;
                boolean unpriced = random.nextInt(20) == 0;
                fixture.insert(new Execution(
                        TENANT,
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        t,
                        c[0],
                        Integer.parseInt(c[1]),
                        c[2],
                        c[3],
                        c[4],
                        error ? "error" : "success",
                        error ? "rate_limit" : "none",
                        null,
                        10 + random.nextInt(500),
                        random.nextInt(200),
                        (long) Math.pow(10, 1 + 3 * random.nextDouble()),
                        unpriced ? null : new BigDecimal(random.nextInt(10_000)).movePointLeft(6),
                        null,
                        null));
            }
            fixture.rebuildRollups(at(-7, 0, 0), at(1, 0, 0));
            loaded = true;
        }
    }
}
