package dev.promptengine.analytics.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Aggregation;
import dev.promptengine.analytics.query.ExecutionAggregates.Measure;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One metric per hour or day, optionally one series per value of a dimension; every bucket present. */
@Component
class TimeseriesReport {

    static final int MAX_BUCKETS = 5000;
    /** Hourly series cover at most 31 days (744 points per series). */
    static final Duration MAX_HOURLY_RANGE = Duration.ofDays(31);

    enum Metric {
        EXECUTIONS(false, Set.of(), s -> s.executions()),
        USAGES(false, Set.of(), null),
        COST(false, Set.of(Measure.COST), s -> Numbers.money(s.totalCost())),
        /** Executions whose cost is unknown: the series to alert on (a cost series is a lower bound while it is not 0). */
        UNPRICED_EXECUTIONS(false, Set.of(Measure.COST), s -> s.unpricedExecutions()),
        TOKENS(false, Set.of(Measure.TOKENS), s -> s.totalTokens()),
        AVERAGE_LATENCY_MS(
                false,
                Set.of(Measure.LATENCY),
                s -> s.executions() == 0 ? null : Numbers.average(s.latencySumMs(), s.executions())),
        P50_LATENCY_MS(true, Set.of(), s -> Numbers.latency(s.p50())),
        P95_LATENCY_MS(true, Set.of(), s -> Numbers.latency(s.p95())),
        P99_LATENCY_MS(true, Set.of(), s -> Numbers.latency(s.p99())),
        ERROR_RATE(
                false,
                Set.of(Measure.OUTCOMES),
                s -> s.executions() == 0 ? null : Numbers.percent(s.errors(), s.executions())),
        SUCCESS_RATE(
                false,
                Set.of(Measure.OUTCOMES),
                s -> s.executions() == 0 ? null : Numbers.percent(s.successes(), s.executions()));

        final boolean percentiles;
        /** The sums the metric needs (executions are always there). */
        final Set<Measure> measures;

        final Function<Stats, Object> value;

        Metric(boolean percentiles, Set<Measure> measures, Function<Stats, Object> value) {
            this.percentiles = percentiles;
            this.measures = measures;
            this.value = value;
        }

        String parameterValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Metric parse(String value) {
            for (Metric m : values()) {
                if (m.parameterValue().equals(value)) {
                    return m;
                }
            }
            throw new InvalidParameterException(
                    "metric",
                    "'metric' must be one of executions, usages, cost, unpriced_executions, tokens, average_latency_ms, p50_latency_ms,"
                            + " p95_latency_ms, p99_latency_ms, error_rate, success_rate; got '" + value + "'");
        }
    }

    static TimeBucket parseBucket(String value) {
        return switch (value) {
            case "hour" -> TimeBucket.HOUR;
            case "day" -> TimeBucket.DAY;
            default ->
                throw new InvalidParameterException("bucket", "'bucket' must be hour or day; got '" + value + "'");
        };
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Timeseries(
            Instant from,
            Instant to,
            @Schema(example = "p95_latency_ms") String metric,
            @Schema(example = "day") String bucket,
            @Schema(example = "model", nullable = true) String groupBy,

            @Schema(description = "One series per group value (a single series named null when not grouped)")
            List<Series> series) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Series(
            @Schema(example = "gpt-4o", nullable = true) String name, List<Point> points) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Point(
            @Schema(description = "Start of the UTC hour or day")
            Instant bucketStart,

            @Schema(
                    description = "Counts are integers (0 when empty), cost an exact decimal string, latencies"
                            + " and rates numbers (null when the bucket has no executions)",
                    example = "1234.5")
            Object value,

            @Schema(
                    description = "metric=cost only: executions of the bucket without a known cost (the cost value"
                            + " leaves them out)",
                    example = "0",
                    nullable = true)
            @JsonInclude(JsonInclude.Include.NON_NULL)
            Long unpricedExecutions) {}

    private final ExecutionAggregates executions;
    private final UsageAggregates usages;

    TimeseriesReport(ExecutionAggregates executions, UsageAggregates usages) {
        this.executions = executions;
        this.usages = usages;
    }

    /** Validates a combination before any query runs. */
    static void check(QueryFilter filter, Metric metric, TimeBucket bucket, Dimension groupBy) {
        if (metric == Metric.USAGES && groupBy != null && !groupBy.ofUsages) {
            throw new InvalidParameterException(
                    "group_by",
                    "usages have no " + groupBy.parameterValue() + ": group them by prompt, version,"
                            + " environment, user or session");
        }
        if (bucket == TimeBucket.HOUR
                && Duration.between(filter.from(), filter.to()).compareTo(MAX_HOURLY_RANGE) > 0) {
            throw new InvalidParameterException(
                    "bucket",
                    "bucket=hour answers at most " + MAX_HOURLY_RANGE.toDays() + " days; the range spans "
                            + Duration.between(filter.from(), filter.to()).toDays()
                            + " days (use bucket=day or a shorter range)");
        }
        long buckets = buckets(filter, bucket).size();
        if (buckets > MAX_BUCKETS) {
            throw new InvalidParameterException(
                    "bucket",
                    "the range holds " + buckets + " " + bucket.name().toLowerCase(Locale.ROOT) + " buckets; at most "
                            + MAX_BUCKETS + " are answered (use a shorter range or bucket=day)");
        }
    }

    Timeseries answer(String tenant, QueryFilter filter, Metric metric, TimeBucket bucket, Dimension groupBy) {
        check(filter, metric, bucket, groupBy);
        List<Instant> buckets = buckets(filter, bucket);
        Map<String, Map<Instant, Object>> values = new TreeMap<>(java.util.Comparator.nullsFirst(String::compareTo));
        Map<String, Map<Instant, Long>> unpriced = new HashMap<>();
        if (metric == Metric.USAGES) {
            for (var count : usages.count(tenant, filter, bucket, groupBy)) {
                values.computeIfAbsent(count.key(), k -> new HashMap<>()).put(count.bucket(), count.usages());
            }
        } else {
            var aggregation = new Aggregation(bucket, groupBy, metric.percentiles, false).withMeasures(metric.measures);
            for (Stats s : executions.aggregate(tenant, filter, aggregation)) {
                values.computeIfAbsent(s.key(), k -> new HashMap<>()).put(s.bucket(), metric.value.apply(s));
                if (metric == Metric.COST) {
                    unpriced.computeIfAbsent(s.key(), k -> new HashMap<>()).put(s.bucket(), s.unpricedExecutions());
                }
            }
        }
        if (values.isEmpty() && groupBy == null) {
            values.put(null, Map.of());
        }
        Object empty = metric == Metric.USAGES ? Long.valueOf(0) : metric.value.apply(Stats.empty(null, null));
        var series = new ArrayList<Series>();
        values.forEach((name, byBucket) -> {
            var points = new ArrayList<Point>(buckets.size());
            for (Instant start : buckets) {
                Long unknown = metric == Metric.COST
                        ? unpriced.getOrDefault(name, Map.of()).getOrDefault(start, 0L)
                        : null;
                points.add(new Point(start, byBucket.containsKey(start) ? byBucket.get(start) : empty, unknown));
            }
            series.add(new Series(name, points));
        });
        return new Timeseries(
                filter.from(),
                filter.to(),
                metric.parameterValue(),
                bucket.name().toLowerCase(Locale.ROOT),
                groupBy == null ? null : groupBy.parameterValue(),
                series);
    }

    /** Starts of the UTC hours or days that intersect {@code [from, to)}. */
    static List<Instant> buckets(QueryFilter filter, TimeBucket bucket) {
        ChronoUnit unit = bucket == TimeBucket.HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        Duration length = bucket.length;
        var starts = new ArrayList<Instant>();
        for (Instant t = filter.from().truncatedTo(unit); t.isBefore(filter.to()); t = t.plus(length)) {
            starts.add(t);
            if (starts.size() > MAX_BUCKETS) {
                break;
            }
        }
        return starts;
    }
}
