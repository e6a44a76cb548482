package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;
import org.apache.commons.math3.stat.inference.TTest;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Compares two versions of a prompt. Counts, rates, means and p95 come from the rollups. Rates are
 * compared with a two-sided two-proportion z-test (pooled proportion); means (latency, tokens, cost
 * per execution) with a two-sided Welch's t-test, whose sample variances the rollups cannot give (they
 * hold sums, not sums of squares): they are computed from the raw facts of the two versions through
 * the {@code (tenant, prompt_slug, prompt_version, occurred_at)} index. Significance level 5 %.
 */
@Component
class VersionComparisonReport {

    static final double SIGNIFICANCE_LEVEL = 0.05;
    static final String RATE_TEST = "two-sided two-proportion z-test (pooled), alpha 0.05";
    static final String MEAN_TEST = "two-sided Welch's t-test, sample variances from raw facts, alpha 0.05";

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record VersionComparison(
            @Schema(example = "summarize-ticket") String prompt,
            Instant from,
            Instant to,

            @Schema(description = "The tests used and the significance level")
            Tests tests,

            @Schema(description = "The two versions, in the order requested")
            List<VersionStats> versions,

            @Schema(description = "Second version minus first")
            Differences differences) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Tests(
            @Schema(example = RATE_TEST) String rates,
            @Schema(example = MEAN_TEST) String means,
            @Schema(example = "0.05") double significanceLevel) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record VersionStats(
            @Schema(example = "2") int version,
            @Schema(example = "640") long executions,
            @Schema(example = "96.4") BigDecimal successRate,
            @Schema(example = "3.6") BigDecimal errorRate,
            @Schema(example = "1234.56") BigDecimal averageLatencyMs,
            @Schema(example = "3120.7") BigDecimal p95LatencyMs,
            @Schema(example = "742.18") BigDecimal averageTokens,

            @Schema(description = "Exact mean cost per execution (USD)", example = "0.0124")
            String averageCost,

            @Schema(description = "Executions whose cost is unknown; they count as 0 in average_cost", example = "0")
            long unpricedExecutions) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Differences(
            Difference successRate,
            Difference errorRate,
            Difference averageLatencyMs,

            @Schema(description = "Difference only; no test is run on percentiles")
            Difference p95LatencyMs,

            Difference averageTokens,
            Difference averageCost) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Difference(
            @Schema(
                    description = "Second minus first: percentage points for rates, ms, tokens, or an exact"
                            + " USD decimal string for cost",
                    example = "-1.8")
            Object difference,

            @Schema(description = "Two-sided p-value; null when the test cannot be run", example = "0.0312")
            BigDecimal pValue,

            @Schema(description = "p-value below 0.05; null when no test was run", example = "true")
            Boolean significant) {

        static Difference of(Object difference, Double pValue) {
            if (pValue == null || pValue.isNaN()) {
                return new Difference(difference, null, null);
            }
            return new Difference(
                    difference,
                    new BigDecimal(pValue, new MathContext(4, RoundingMode.HALF_UP)).stripTrailingZeros(),
                    pValue < SIGNIFICANCE_LEVEL);
        }
    }

    /** Sample variances of one version's raw executions, for the t-test only (statistics, not money amounts). */
    record Variances(long n, double ofLatency, double ofTokens, double ofCostPerExecution) {}

    private static final String VARIANCES = """
            SELECT prompt_version, count(*) AS n,
                   coalesce(var_samp(execution_time_ms), 0) AS latency,
                   coalesce(var_samp(total_tokens), 0) AS tokens,
                   coalesce(var_samp(coalesce(total_cost, 0)), 0) AS cost
            FROM execution_fact
            WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to
              AND prompt_version IN (:first, :second)""";

    private final ExecutionAggregates executions;
    private final JdbcClient jdbc;

    VersionComparisonReport(ExecutionAggregates executions, JdbcClient jdbc) {
        this.executions = executions;
        this.jdbc = jdbc;
    }

    static int[] parseVersions(String versions) {
        String[] parts = versions.split(",", -1);
        if (parts.length != 2) {
            throw new InvalidParameterException(
                    "versions", "'versions' must be two version numbers separated by a comma, e.g. 2,3");
        }
        int first = FilterParameters.integer("versions", parts[0], 0, Integer.MAX_VALUE);
        int second = FilterParameters.integer("versions", parts[1], 0, Integer.MAX_VALUE);
        if (first == second) {
            throw new InvalidParameterException("versions", "'versions' must name two different versions");
        }
        return new int[] {first, second};
    }

    VersionComparison answer(String tenant, QueryFilter filter, int first, int second) {
        QueryFilter anyVersion = filter.withVersion(null);
        Stats a = executions.total(tenant, anyVersion.withVersion(first));
        Stats b = executions.total(tenant, anyVersion.withVersion(second));
        Map<Integer, Variances> variances = variances(tenant, anyVersion, first, second);
        Variances va = variances.getOrDefault(first, new Variances(0, 0, 0, 0));
        Variances vb = variances.getOrDefault(second, new Variances(0, 0, 0, 0));
        var differences = new Differences(
                Difference.of(
                        Numbers.percent(b.successes(), b.executions())
                                .subtract(Numbers.percent(a.successes(), a.executions())),
                        twoProportionPValue(a.successes(), a.executions(), b.successes(), b.executions())),
                Difference.of(
                        Numbers.percent(b.errors(), b.executions())
                                .subtract(Numbers.percent(a.errors(), a.executions())),
                        twoProportionPValue(a.errors(), a.executions(), b.errors(), b.executions())),
                Difference.of(
                        Numbers.average(b.latencySumMs(), b.executions())
                                .subtract(Numbers.average(a.latencySumMs(), a.executions())),
                        welchPValue(
                                mean(a.latencySumMs(), a),
                                va.ofLatency(),
                                a,
                                mean(b.latencySumMs(), b),
                                vb.ofLatency(),
                                b)),
                new Difference(p95Difference(a, b), null, null),
                Difference.of(
                        Numbers.average(b.totalTokens(), b.executions())
                                .subtract(Numbers.average(a.totalTokens(), a.executions())),
                        welchPValue(
                                mean(a.totalTokens(), a),
                                va.ofTokens(),
                                a,
                                mean(b.totalTokens(), b),
                                vb.ofTokens(),
                                b)),
                Difference.of(
                        Numbers.money(averageCost(b).subtract(averageCost(a))),
                        welchPValue(
                                averageCost(a).doubleValue(),
                                va.ofCostPerExecution(),
                                a,
                                averageCost(b).doubleValue(),
                                vb.ofCostPerExecution(),
                                b)));
        return new VersionComparison(
                filter.prompt(),
                filter.from(),
                filter.to(),
                new Tests(RATE_TEST, MEAN_TEST, SIGNIFICANCE_LEVEL),
                List.of(stats(first, a), stats(second, b)),
                differences);
    }

    private Map<Integer, Variances> variances(String tenant, QueryFilter filter, int first, int second) {
        var params = new MapSqlParameterSource()
                .addValue("tenant", tenant)
                .addValue("from", FactSources.timestamp(filter.from()))
                .addValue("to", FactSources.timestamp(filter.to()))
                .addValue("first", first)
                .addValue("second", second);
        var sql = new StringBuilder(VARIANCES);
        FactSources.appendFilters(sql, filter, true, params);
        sql.append("\nGROUP BY prompt_version");
        var out = new HashMap<Integer, Variances>();
        jdbc.sql(sql.toString()).paramSource(params).query(rs -> {
            out.put(
                    rs.getInt("prompt_version"),
                    new Variances(
                            rs.getLong("n"), rs.getDouble("latency"), rs.getDouble("tokens"), rs.getDouble("cost")));
        });
        return out;
    }

    private static VersionStats stats(int version, Stats s) {
        return new VersionStats(
                version,
                s.executions(),
                Numbers.percent(s.successes(), s.executions()),
                Numbers.percent(s.errors(), s.executions()),
                Numbers.average(s.latencySumMs(), s.executions()),
                Numbers.latency(s.p95()),
                Numbers.average(s.totalTokens(), s.executions()),
                Numbers.moneyAverage(s.totalCost(), s.executions()),
                s.unpricedExecutions());
    }

    private static BigDecimal p95Difference(Stats a, Stats b) {
        BigDecimal pa = Numbers.latency(a.p95());
        BigDecimal pb = Numbers.latency(b.p95());
        return pa == null || pb == null ? null : pb.subtract(pa);
    }

    private static BigDecimal averageCost(Stats s) {
        return s.executions() == 0
                ? BigDecimal.ZERO
                : s.totalCost().divide(BigDecimal.valueOf(s.executions()), 18, RoundingMode.HALF_UP);
    }

    private static double mean(long sum, Stats s) {
        return s.executions() == 0 ? 0 : (double) sum / s.executions();
    }

    /** Two-sided p-value of H0: p1 = p2, pooled standard error; null when undefined. */
    static Double twoProportionPValue(long x1, long n1, long x2, long n2) {
        if (n1 == 0 || n2 == 0) {
            return null;
        }
        double pooled = (double) (x1 + x2) / (n1 + n2);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) {
            return null; // both rates 0 % or both 100 %: no variation to test
        }
        double z = ((double) x2 / n2 - (double) x1 / n1) / se;
        return 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z)));
    }

    /** Two-sided p-value of Welch's t-test of H0: equal means; null with fewer than 2 samples or no variance. */
    static Double welchPValue(double mean1, double var1, Stats s1, double mean2, double var2, Stats s2) {
        long n1 = s1.executions();
        long n2 = s2.executions();
        if (n1 < 2 || n2 < 2 || (var1 == 0 && var2 == 0)) {
            return null;
        }
        var first = new StatisticalSummaryValues(mean1, var1, n1, Double.NaN, Double.NaN, mean1 * n1);
        var second = new StatisticalSummaryValues(mean2, var2, n2, Double.NaN, Double.NaN, mean2 * n2);
        return new TTest().tTest(first, second);
    }
}
