package dev.promptengine.analytics.query;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The aggregate endpoints under {@code /v1/analytics}; each answer is recorded in the audit trail. */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "analytics", description = "Aggregates from the rollups (analyst)")
class AnalyticsController {

    static final Duration USAGE_STATS_RANGE = Duration.ofDays(30);

    private final Clock clock;
    private final AuditTrail audit;
    private final UsageStatsReport usageStats;

    AnalyticsController(ObjectProvider<Clock> clock, AuditTrail audit, UsageStatsReport usageStats) {
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.audit = audit;
        this.usageStats = usageStats;
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
}
