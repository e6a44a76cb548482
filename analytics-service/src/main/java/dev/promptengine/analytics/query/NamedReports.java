package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.query.QueryProblems.NotFoundException;
import dev.promptengine.service.auth.Caller;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The analytics reports by name, for the report exports: each name asks the same controller method
 * as its {@code /v1/analytics} endpoint, so the defaults, validation, tenant and audit are the
 * endpoint's. The two per-prompt reports take their slug from the {@code prompt} filter.
 */
@Component
public class NamedReports {

    /** The names, as in {@code /v1/export/reports/{report}}. */
    public static final List<String> NAMES = List.of(
            "usage-stats",
            "cost-breakdown",
            "error-analysis",
            "top-prompts",
            "timeseries",
            "prompt-performance",
            "version-comparison");

    private final AnalyticsController reports;

    NamedReports(AnalyticsController reports) {
        this.reports = reports;
    }

    /**
     * The answer of report {@code name}, as its endpoint would answer it.
     *
     * @param options the report's own parameters ({@code group_by}, {@code limit}, {@code metric},
     *     {@code bucket}, {@code versions}); absent ones take the endpoint's defaults
     */
    public Object answer(String name, Caller caller, FilterParameters parameters, Map<String, String> options) {
        return switch (name) {
            case "usage-stats" -> reports.usageStats(caller, parameters);
            case "cost-breakdown" ->
                reports.costBreakdown(caller, options.getOrDefault("group_by", "prompt"), parameters);
            case "error-analysis" -> reports.errorAnalysis(caller, parameters);
            case "top-prompts" -> reports.topPrompts(caller, options.getOrDefault("limit", "10"), parameters);
            case "timeseries" ->
                reports.timeseries(
                        caller,
                        options.getOrDefault("metric", "executions"),
                        options.getOrDefault("bucket", "day"),
                        options.get("group_by"),
                        parameters);
            case "prompt-performance" -> reports.promptPerformance(caller, prompt(parameters), parameters);
            case "version-comparison" -> {
                String versions = options.get("versions");
                if (versions == null) {
                    throw new InvalidParameterException("versions", "'versions' is required: two versions, as 2,3");
                }
                yield reports.compareVersions(caller, prompt(parameters), versions, parameters);
            }
            default -> throw new NotFoundException("No report '" + name + "'; the reports are " + NAMES);
        };
    }

    private static String prompt(FilterParameters parameters) {
        if (parameters.prompt() == null) {
            throw new InvalidParameterException("prompt", "'prompt' is required for this report: the prompt's slug");
        }
        return parameters.prompt();
    }
}
