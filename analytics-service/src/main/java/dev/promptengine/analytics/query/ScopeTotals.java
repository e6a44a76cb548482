package dev.promptengine.analytics.query;

import dev.promptengine.analytics.facts.LatencyHistogram;
import dev.promptengine.analytics.filter.QueryFilter;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The totals of a whole tenant over a range (or over single UTC hours), one row per combination of
 * the scope dimensions (prompt, version, environment, provider, model), from the same sources as the
 * query API: whole days and hours from the rollups, ragged ends from raw facts. The alert evaluator
 * reads each range once per tenant and cycle and sums the rows each rule's scope matches, instead of
 * asking one query per rule. Sums are exact, so the answer is the same as {@link WindowTotals}'.
 */
@Component
public class ScopeTotals {

    /** A combination of scope dimensions; prompt and version are null when read from the summaries. */
    public record Scope(String prompt, Integer version, String environment, String provider, String model) {}

    /**
     * Execution sums of one scope combination (of one hour, or of the whole range: {@code hour} null);
     * {@code histogram} is the merged latency histogram when asked for, else null.
     */
    public record Row(
            Instant hour,
            Scope scope,
            long executions,
            long errors,
            long totalTokens,
            BigDecimal totalCost,
            long unpricedExecutions,
            LatencyHistogram histogram) {}

    /** Usages of one scope combination (provider and model are null: usages have neither). */
    public record UsageRow(Instant hour, Scope scope, long usages) {}

    private static final String EXECUTIONS = """
            WITH src AS NOT MATERIALIZED (
            %s
            )
            SELECT %s AS g_time, %s, environment, provider, model,
                   sum(execution_count) AS executions,
                   coalesce(sum(execution_count) FILTER (WHERE status IN ('error', 'timeout')), 0) AS errors,
                   coalesce(sum(total_tokens), 0) AS total_tokens, coalesce(sum(total_cost), 0) AS total_cost,
                   coalesce(sum(unpriced_count), 0) AS unpriced_executions
            FROM src
            GROUP BY 1, 2, 3, 4, 5, 6""";

    /**
     * The source rows themselves, with their latency histograms, for the sums and merged histograms
     * of each combination in one scan: the rows are summed and their histograms merged here, as
     * they arrive. (Merging in SQL, by unnesting every row's buckets, measured 1.5 to 2 times slower
     * on the bench's 30-day by-prompt read: it sorts rows times buckets.)
     */
    private static final String EXECUTIONS_WITH_HISTOGRAMS = """
            WITH src AS NOT MATERIALIZED (
            %s
            )
            SELECT %s AS g_time, %s, environment, provider, model, execution_count,
                   status IN ('error', 'timeout') AS failed, total_tokens, total_cost, unpriced_count, hb, hc
            FROM src""";

    private static final String USAGES = """
            WITH src AS NOT MATERIALIZED (
            %s
            )
            SELECT %s AS g_time, %s, environment, sum(usage_count) AS usages
            FROM src
            GROUP BY 1, 2, 3, 4""";

    private static final String WHOLE_RANGE = "NULL::timestamptz";
    private static final String PROMPT = "prompt_slug, prompt_version";
    /** Raw facts of the ragged ends carry prompts even when the summaries answer; they are dropped. */
    private static final String NO_PROMPT = "NULL::text AS prompt_slug, NULL::int AS prompt_version";

    private static final String BY_HOUR = "hour_start";

    private final JdbcClient jdbc;

    ScopeTotals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Executions of {@code [from, to)} per scope combination; per prompt when {@code byPrompt} (else
     * the prompt-less summaries answer, with prompt and version null).
     */
    public List<Row> executions(String tenant, Instant from, Instant to, boolean byPrompt, boolean histograms) {
        return executions(
                params -> FactSources.executions(tenant, range(from, to), groups(byPrompt), true, false, false, params),
                WHOLE_RANGE,
                byPrompt,
                histograms);
    }

    /** Executions of each of the given UTC hours per scope combination, from the hourly rollups alone. */
    public List<Row> executionHours(String tenant, Collection<Instant> hours, boolean byPrompt, boolean histograms) {
        if (hours.isEmpty()) {
            return List.of();
        }
        return executions(
                params -> FactSources.executionHours(tenant, hours, byPrompt, params), BY_HOUR, byPrompt, histograms);
    }

    /** Usages of {@code [from, to)} per scope combination. */
    public List<UsageRow> usages(String tenant, Instant from, Instant to, boolean byPrompt) {
        return usages(
                params -> FactSources.usages(tenant, range(from, to), groups(byPrompt), true, false, params),
                WHOLE_RANGE,
                byPrompt);
    }

    /** Usages of each of the given UTC hours per scope combination, from the hourly rollups alone. */
    public List<UsageRow> usageHours(String tenant, Collection<Instant> hours, boolean byPrompt) {
        if (hours.isEmpty()) {
            return List.of();
        }
        return usages(params -> FactSources.usageHours(tenant, hours, byPrompt, params), BY_HOUR, byPrompt);
    }

    private interface Source {
        String sql(MapSqlParameterSource params);
    }

    private List<Row> executions(Source source, String time, boolean byPrompt, boolean histograms) {
        var params = new MapSqlParameterSource();
        String prompt = byPrompt ? PROMPT : NO_PROMPT;
        if (!histograms) {
            return jdbc.sql(EXECUTIONS.formatted(source.sql(params), time, prompt))
                    .paramSource(params)
                    .query((rs, n) -> new Row(
                            hour(rs),
                            scope(rs, true),
                            rs.getLong("executions"),
                            rs.getLong("errors"),
                            rs.getLong("total_tokens"),
                            rs.getBigDecimal("total_cost"),
                            rs.getLong("unpriced_executions"),
                            null))
                    .list();
        }
        var sums = new LinkedHashMap<Key, Sum>();
        jdbc.sql(EXECUTIONS_WITH_HISTOGRAMS.formatted(source.sql(params), time, prompt))
                .paramSource(params)
                .query(rs -> {
                    sums.computeIfAbsent(new Key(hour(rs), scope(rs, true)), k -> new Sum())
                            .add(rs);
                });
        return sums.entrySet().stream().map(e -> e.getValue().row(e.getKey())).toList();
    }

    private record Key(Instant hour, Scope scope) {}

    /** The running sums and merged histogram of one combination. */
    private static final class Sum {
        long executions;
        long errors;
        long tokens;
        long unpriced;
        BigDecimal cost = BigDecimal.ZERO;
        final LatencyHistogram histogram = new LatencyHistogram();

        void add(ResultSet rs) throws SQLException {
            long count = rs.getLong("execution_count");
            executions += count;
            if (rs.getBoolean("failed")) {
                errors += count;
            }
            tokens += rs.getLong("total_tokens");
            unpriced += rs.getLong("unpriced_count");
            BigDecimal rowCost = rs.getBigDecimal("total_cost");
            if (rowCost != null) {
                cost = cost.add(rowCost);
            }
            Array buckets = rs.getArray("hb");
            Array counts = rs.getArray("hc");
            if (buckets != null && counts != null) {
                Object[] b = (Object[]) buckets.getArray();
                Object[] c = (Object[]) counts.getArray();
                for (int i = 0; i < b.length; i++) {
                    histogram.addBucket(((Number) b[i]).intValue(), ((Number) c[i]).longValue());
                }
            }
        }

        Row row(Key key) {
            return new Row(key.hour(), key.scope(), executions, errors, tokens, cost, unpriced, histogram);
        }
    }

    private List<UsageRow> usages(Source source, String time, boolean byPrompt) {
        var params = new MapSqlParameterSource();
        return jdbc.sql(USAGES.formatted(source.sql(params), time, byPrompt ? PROMPT : NO_PROMPT))
                .paramSource(params)
                .query((rs, n) -> new UsageRow(hour(rs), scope(rs, false), rs.getLong("usages")))
                .list();
    }

    private static QueryFilter range(Instant from, Instant to) {
        return new QueryFilter(from, to, null, null, null, null, null, null, null);
    }

    /** Grouping by prompt makes the sources read the per-prompt rollups. */
    private static List<Dimension> groups(boolean byPrompt) {
        return byPrompt ? List.of(Dimension.PROMPT, Dimension.VERSION) : List.of();
    }

    private static Instant hour(ResultSet rs) throws SQLException {
        var value = rs.getObject("g_time", OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Scope scope(ResultSet rs, boolean executions) throws SQLException {
        int version = rs.getInt("prompt_version");
        boolean noVersion = rs.wasNull();
        return new Scope(
                rs.getString("prompt_slug"),
                noVersion ? null : version,
                rs.getString("environment"),
                executions ? rs.getString("provider") : null,
                executions ? rs.getString("model") : null);
    }

    /** Sums rows as {@link WindowTotals.Totals} (percentiles from the merged histograms when present). */
    public static WindowTotals.Totals total(Collection<Row> rows) {
        long executions = 0;
        long errors = 0;
        long tokens = 0;
        long unpriced = 0;
        BigDecimal cost = BigDecimal.ZERO;
        LatencyHistogram histogram = null;
        for (Row r : rows) {
            executions += r.executions();
            errors += r.errors();
            tokens += r.totalTokens();
            unpriced += r.unpricedExecutions();
            cost = cost.add(r.totalCost());
            if (r.histogram() != null) {
                if (histogram == null) {
                    histogram = new LatencyHistogram();
                }
                int[] buckets = r.histogram().buckets();
                long[] counts = r.histogram().counts();
                for (int i = 0; i < buckets.length; i++) {
                    histogram.addBucket(buckets[i], counts[i]);
                }
            }
        }
        boolean percentiles = histogram != null && histogram.count() > 0;
        return new WindowTotals.Totals(
                executions,
                errors,
                tokens,
                cost,
                unpriced,
                percentiles ? histogram.quantile(0.95) : null,
                percentiles ? histogram.quantile(0.99) : null);
    }
}
