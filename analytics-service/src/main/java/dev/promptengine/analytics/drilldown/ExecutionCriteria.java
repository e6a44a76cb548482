package dev.promptengine.analytics.drilldown;

import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The filters of the drill-down and the export: the common filter plus status, a minimum cost and
 * text contained in the error message (case-insensitive).
 */
public record ExecutionCriteria(QueryFilter filter, String status, BigDecimal minCost, String errorContains) {

    public static final Duration DEFAULT_RANGE = Duration.ofDays(7);
    private static final Set<String> STATUSES = Set.of("success", "error", "timeout", "unknown");

    public static ExecutionCriteria resolve(
            FilterParameters parameters, String status, String minCost, String errorContains, Clock clock) {
        QueryFilter filter = parameters.resolve(clock, DEFAULT_RANGE);
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidParameterException(
                    "status", "'status' must be one of success, error, timeout, unknown; got '" + status + "'");
        }
        BigDecimal cost = null;
        if (minCost != null) {
            try {
                cost = new BigDecimal(minCost.trim());
            } catch (NumberFormatException e) {
                throw new InvalidParameterException(
                        "min_cost", "'min_cost' must be a decimal amount in USD, got '" + minCost + "'");
            }
            if (cost.signum() < 0) {
                throw new InvalidParameterException("min_cost", "'min_cost' must not be negative");
            }
        }
        if (errorContains != null && (errorContains.isBlank() || errorContains.length() > 200)) {
            throw new InvalidParameterException("error_contains", "'error_contains' must be 1..200 characters");
        }
        return new ExecutionCriteria(filter, status, cost, errorContains);
    }

    public Map<String, Object> describe() {
        var out = new LinkedHashMap<>(filter.describe());
        if (status != null) {
            out.put("status", status);
        }
        if (minCost != null) {
            out.put("min_cost", minCost.toPlainString());
        }
        if (errorContains != null) {
            out.put("error_contains", errorContains);
        }
        return out;
    }
}
