package dev.promptengine.analytics.query;

import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Walking-skeleton usage stats from the hourly rollups (whole hours of the range). The query API
 * replaces it.
 */
@RestController
@RequiresRole(Role.ANALYST)
class UsageStatsSkeletonController {

    private final JdbcClient jdbc;

    UsageStatsSkeletonController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/v1/analytics/usage-stats")
    Map<String, Object> usageStats(
            Caller caller,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        var start = Timestamp.from(from == null ? Instant.EPOCH : from);
        var end = Timestamp.from(to == null ? Instant.parse("9999-01-01T00:00:00Z") : to);
        long uses = jdbc.sql("""
                        SELECT coalesce(sum(usage_count), 0) FROM usage_rollup_hourly
                        WHERE tenant = :tenant AND bucket_start >= :from AND bucket_start < :to
                        """)
                .param("tenant", caller.tenant())
                .param("from", start)
                .param("to", end)
                .query(Long.class)
                .single();
        var executions = jdbc.sql("""
                        SELECT coalesce(sum(execution_count), 0), coalesce(sum(total_cost), 0)
                        FROM execution_rollup_hourly
                        WHERE tenant = :tenant AND bucket_start >= :from AND bucket_start < :to
                        """)
                .param("tenant", caller.tenant())
                .param("from", start)
                .param("to", end)
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getBigDecimal(2)))
                .single();
        var body = new LinkedHashMap<String, Object>();
        body.put("total_uses", uses);
        body.put("total_executions", executions.getKey());
        body.put("total_cost", plain(executions.getValue()));
        return body;
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }
}
