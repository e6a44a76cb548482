package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.privacy.SealedReads;
import java.time.Duration;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The dashboard overview's charts in one answer, for the push channel: the same reports (and so the
 * same numbers) the overview asks of {@code /v1/analytics} when it polls — cost, executions by
 * status and the p50/p95/p99 latency series, top prompts and error analysis — over one range.
 */
@Component
public class OverviewCharts {

    /** Up to two days the series are hourly, beyond that daily (as the dashboard's own rule). */
    static final Duration HOURLY_UP_TO = Duration.ofDays(2);

    static final int TOP_PROMPTS = 10;

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Charts(
            String bucket,
            TimeseriesReport.Timeseries cost,
            TimeseriesReport.Timeseries executionsByStatus,
            TimeseriesReport.Timeseries p50LatencyMs,
            TimeseriesReport.Timeseries p95LatencyMs,
            TimeseriesReport.Timeseries p99LatencyMs,
            TopPromptsReport.TopPrompts topPrompts,
            ErrorAnalysisReport.ErrorAnalysis errorAnalysis) {}

    private final TimeseriesReport timeseries;
    private final TopPromptsReport topPrompts;
    private final ErrorAnalysisReport errorAnalysis;

    OverviewCharts(TimeseriesReport timeseries, TopPromptsReport topPrompts, ErrorAnalysisReport errorAnalysis) {
        this.timeseries = timeseries;
        this.topPrompts = topPrompts;
        this.errorAnalysis = errorAnalysis;
    }

    /** The charts; recent errors' sealed messages are opened through {@code reading} (or not, when it is closed). */
    public Charts answer(String tenant, QueryFilter filter, SealedReads.Reading reading) {
        TimeBucket bucket = Duration.between(filter.from(), filter.to()).compareTo(HOURLY_UP_TO) <= 0
                ? TimeBucket.HOUR
                : TimeBucket.DAY;
        return new Charts(
                bucket == TimeBucket.HOUR ? "hour" : "day",
                timeseries.answer(tenant, filter, TimeseriesReport.Metric.COST, bucket, null),
                timeseries.answer(tenant, filter, TimeseriesReport.Metric.EXECUTIONS, bucket, Dimension.STATUS),
                timeseries.answer(tenant, filter, TimeseriesReport.Metric.P50_LATENCY_MS, bucket, null),
                timeseries.answer(tenant, filter, TimeseriesReport.Metric.P95_LATENCY_MS, bucket, null),
                timeseries.answer(tenant, filter, TimeseriesReport.Metric.P99_LATENCY_MS, bucket, null),
                topPrompts.answer(tenant, filter, TOP_PROMPTS),
                errorAnalysis.answer(tenant, filter, reading));
    }
}
