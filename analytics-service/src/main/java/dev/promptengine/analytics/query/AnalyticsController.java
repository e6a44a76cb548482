package dev.promptengine.analytics.query;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The aggregate endpoints under {@code /v1/analytics}; each answer is recorded in the audit trail. */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "analytics", description = "Aggregates from the rollups (analyst)")
class AnalyticsController {

    static final Duration USAGE_STATS_RANGE = Duration.ofDays(30);
    static final Duration PROMPT_PERFORMANCE_RANGE = Duration.ofDays(30);
    static final Duration COST_BREAKDOWN_RANGE = Duration.ofDays(7);
    static final Duration ERROR_ANALYSIS_RANGE = Duration.ofHours(24);
    static final Duration TOP_PROMPTS_RANGE = Duration.ofDays(7);
    static final Duration TIMESERIES_RANGE = Duration.ofDays(7);
    static final Duration COMPARISON_RANGE = Duration.ofDays(30);

    private final Clock clock;
    private final AuditTrail audit;
    private final UsageStatsReport usageStats;
    private final PromptPerformanceReport promptPerformance;
    private final CostBreakdownReport costBreakdown;
    private final ErrorAnalysisReport errorAnalysis;
    private final TopPromptsReport topPrompts;
    private final TimeseriesReport timeseries;
    private final VersionComparisonReport versionComparison;
    private final SealedReads sealedReads;

    AnalyticsController(
            Clock clock,
            AuditTrail audit,
            UsageStatsReport usageStats,
            PromptPerformanceReport promptPerformance,
            CostBreakdownReport costBreakdown,
            ErrorAnalysisReport errorAnalysis,
            TopPromptsReport topPrompts,
            TimeseriesReport timeseries,
            VersionComparisonReport versionComparison,
            SealedReads sealedReads) {
        this.clock = clock;
        this.sealedReads = sealedReads;
        this.audit = audit;
        this.usageStats = usageStats;
        this.promptPerformance = promptPerformance;
        this.costBreakdown = costBreakdown;
        this.errorAnalysis = errorAnalysis;
        this.topPrompts = topPrompts;
        this.timeseries = timeseries;
        this.versionComparison = versionComparison;
    }

    @GetMapping("/v1/analytics/usage-stats")
    @Operation(
            summary = "Usage statistics",
            description = "Totals, rates, cost, averages and latency percentiles, by environment and by model."
                    + " Default range: the last 30 days.")
    UsageStatsReport.UsageStats usageStats(Caller caller, @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, USAGE_STATS_RANGE);
        var answer = usageStats.answer(caller.tenant(), filter);
        audit.record(caller, "GET /v1/analytics/usage-stats", filter.describe(), 1);
        return answer;
    }

    @GetMapping("/v1/analytics/prompts/{slug}/performance")
    @Operation(
            summary = "Performance of one prompt",
            description = "Executions, latency (mean and percentiles), rates, cost by day (every day, zero-filled),"
                    + " usage by version, model distribution and token usage. The path's slug replaces any `prompt`"
                    + " parameter. Default range: the last 30 days.")
    PromptPerformanceReport.PromptPerformance promptPerformance(
            Caller caller,
            @Parameter(example = "summarize-ticket") @PathVariable String slug,
            @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, PROMPT_PERFORMANCE_RANGE).withPrompt(slug(slug));
        var answer = promptPerformance.answer(caller.tenant(), filter);
        audit.record(caller, "GET /v1/analytics/prompts/{slug}/performance", filter.describe(), 1);
        return answer;
    }

    @GetMapping("/v1/analytics/cost-breakdown")
    @Operation(
            summary = "Cost breakdown",
            description = "Exact cost grouped by prompt, model, provider, environment or UTC day. Default range: the"
                    + " last 7 days.")
    CostBreakdownReport.CostBreakdown costBreakdown(
            Caller caller,
            @Parameter(
                            description = "Grouping",
                            schema =
                                    @Schema(
                                            allowableValues = {"prompt", "model", "provider", "environment", "day"},
                                            defaultValue = "prompt"))
                    @RequestParam(name = "group_by", defaultValue = "prompt")
                    String groupBy,
            @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, COST_BREAKDOWN_RANGE);
        var grouping = CostBreakdownReport.GroupBy.parse(groupBy);
        var answer = costBreakdown.answer(caller.tenant(), filter, grouping);
        audit.record(
                caller,
                "GET /v1/analytics/cost-breakdown",
                with(filter, "group_by", grouping.parameterValue()),
                answer.groups().size());
        return answer;
    }

    @GetMapping("/v1/analytics/error-analysis")
    @Operation(
            summary = "Error analysis",
            description = "Errors (status error or timeout) by category and by prompt, and the 10 newest errors."
                    + " Default range: the last 24 hours.")
    ErrorAnalysisReport.ErrorAnalysis errorAnalysis(Caller caller, @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, ERROR_ANALYSIS_RANGE);
        var reading = sealedReads.start(caller.tenant());
        var answer = errorAnalysis.answer(caller.tenant(), filter, reading);
        audit.record(caller, "GET /v1/analytics/error-analysis", filter.describe(), 1);
        reading.audit(caller, "GET /v1/analytics/error-analysis");
        return answer;
    }

    @GetMapping("/v1/analytics/top-prompts")
    @Operation(
            summary = "Top prompts",
            description = "The most used prompts with executions, cost and rates. Default range: the last 7 days.")
    TopPromptsReport.TopPrompts topPrompts(
            Caller caller,
            @Parameter(description = "How many prompts, 1..100", schema = @Schema(defaultValue = "10"))
                    @RequestParam(defaultValue = "10")
                    String limit,
            @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, TOP_PROMPTS_RANGE);
        int size = FilterParameters.integer("limit", limit, 1, 100);
        var answer = topPrompts.answer(caller.tenant(), filter, size);
        audit.record(
                caller,
                "GET /v1/analytics/top-prompts",
                with(filter, "limit", size),
                answer.prompts().size());
        return answer;
    }

    @GetMapping("/v1/analytics/timeseries")
    @Operation(
            summary = "Time series",
            description = "One metric per UTC hour or day, optionally one series per value of a dimension. Every"
                    + " bucket of the range is present. Grouping by user or session reads raw facts. Default range:"
                    + " the last 7 days; at most 5000 buckets.")
    TimeseriesReport.Timeseries timeseries(
            Caller caller,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {
                                                "executions",
                                                "usages",
                                                "cost",
                                                "tokens",
                                                "average_latency_ms",
                                                "p50_latency_ms",
                                                "p95_latency_ms",
                                                "p99_latency_ms",
                                                "error_rate",
                                                "success_rate"
                                            },
                                            defaultValue = "executions"))
                    @RequestParam(defaultValue = "executions")
                    String metric,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"hour", "day"},
                                            defaultValue = "day"))
                    @RequestParam(defaultValue = "day")
                    String bucket,
            @Parameter(
                            description = "Optional grouping",
                            schema =
                                    @Schema(
                                            allowableValues = {
                                                "prompt",
                                                "version",
                                                "environment",
                                                "provider",
                                                "model",
                                                "status",
                                                "error_type",
                                                "user",
                                                "session"
                                            }))
                    @RequestParam(name = "group_by", required = false)
                    String groupBy,
            @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, TIMESERIES_RANGE);
        var parsedMetric = TimeseriesReport.Metric.parse(metric);
        var parsedBucket = TimeseriesReport.parseBucket(bucket);
        Dimension dimension = groupBy == null ? null : Dimension.parse("group_by", groupBy, Dimension.values());
        var answer = timeseries.answer(caller.tenant(), filter, parsedMetric, parsedBucket, dimension);
        var described = with(filter, "metric", parsedMetric.parameterValue());
        described.put("bucket", bucket);
        if (dimension != null) {
            described.put("group_by", dimension.parameterValue());
        }
        long points = answer.series().stream().mapToLong(s -> s.points().size()).sum();
        audit.record(caller, "GET /v1/analytics/timeseries", described, points);
        return answer;
    }

    @GetMapping("/v1/analytics/prompts/{slug}/versions/compare")
    @Operation(
            summary = "Compare two versions of a prompt",
            description = "Per version: executions, success and error rate, mean and p95 latency, mean tokens and"
                    + " mean cost per execution; the differences (second minus first) and whether each is"
                    + " statistically significant at the 5 % level: rates by a two-sided two-proportion z-test,"
                    + " means by a two-sided Welch's t-test. Default range: the last 30 days.")
    VersionComparisonReport.VersionComparison compareVersions(
            Caller caller,
            @Parameter(example = "summarize-ticket") @PathVariable String slug,
            @Parameter(description = "Exactly two version numbers, comma-separated", example = "2,3") @RequestParam
                    String versions,
            @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, COMPARISON_RANGE).withPrompt(slug(slug));
        int[] pair = VersionComparisonReport.parseVersions(versions);
        var answer = versionComparison.answer(caller.tenant(), filter, pair[0], pair[1]);
        audit.record(
                caller,
                "GET /v1/analytics/prompts/{slug}/versions/compare",
                with(filter, "versions", pair[0] + "," + pair[1]),
                2);
        return answer;
    }

    private static String slug(String slug) {
        if (slug.isBlank() || slug.length() > 200) {
            throw new InvalidParameterException("slug", "the prompt slug must be 1..200 characters");
        }
        return slug;
    }

    private static Map<String, Object> with(QueryFilter filter, String name, Object value) {
        var described = new LinkedHashMap<>(filter.describe());
        described.put(name, value);
        return described;
    }
}
