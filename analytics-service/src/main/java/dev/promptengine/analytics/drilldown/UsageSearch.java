package dev.promptengine.analytics.drilldown;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.FactSources;
import dev.promptengine.analytics.query.Numbers;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raw usages (renders) newest first, each with the executions made from it, including renders that
 * never reached an LLM.
 *
 * <p>{@code execution_fact} has no index on {@code usage_id} (V2 dropped it: every other query
 * reaches executions by time, and one B-tree fewer is write throughput). So a usage's executions
 * are looked up by time: those of the same tenant with its {@code usage_id} whose event time is
 * within {@link #LINK_BEFORE} before and {@link #LINK_AFTER} after the render — one range query per
 * page, on the time index. An execution recorded more than an hour after its render is not linked
 * here (its own detail still names its usage). {@code has_execution=false} scans at most
 * {@link #MAX_SCANNED} usages per request and answers the matches found with a cursor to go on.
 */
@Component
public class UsageSearch {

    static final Duration LINK_BEFORE = Duration.ofMinutes(10);
    static final Duration LINK_AFTER = Duration.ofHours(1);
    static final int MAX_SCANNED = 10_000;
    private static final int CHUNK = 500;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One execution made from a usage, in brief. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LinkedExecution(
            UUID id,
            Instant occurredAt,
            String provider,
            String model,
            String status,
            long totalTokens,
            long executionTimeMs,
            String pricingStatus,

            @Schema(description = "Exact USD decimal; null when unpriced")
            String totalCost) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record UsageRow(
            UUID id,
            Instant occurredAt,
            String promptSlug,
            int promptVersion,
            String environment,
            String sessionId,
            String userIdentifier,
            String captureMode,

            @Schema(description = "Executions made from this render (linked by usage_id within an hour), oldest first")
            List<LinkedExecution> executions) {

        UsageRow withExecutions(List<LinkedExecution> linked) {
            return new UsageRow(
                    id,
                    occurredAt,
                    promptSlug,
                    promptVersion,
                    environment,
                    sessionId,
                    userIdentifier,
                    captureMode,
                    linked);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record UsageDetail(
            UUID id,
            Instant occurredAt,
            String promptId,
            String promptSlug,
            int promptVersion,
            String environment,
            String sessionId,
            String userIdentifier,
            JsonNode parameters,
            JsonNode metadata,
            String captureMode,

            @Schema(description = "null when not captured or expired")
            String renderedContent,

            String renderedSystemMessage,
            List<LinkedExecution> executions,

            @Schema(
                    description =
                            "True when the content was stored encrypted and was decrypted for this answer (audited)")
            boolean contentSealed,

            @Schema(description = "Why encrypted content could not be shown (the content fields are then null)")
            String contentError) {

        UsageDetail withExecutions(List<LinkedExecution> linked) {
            return new UsageDetail(
                    id,
                    occurredAt,
                    promptId,
                    promptSlug,
                    promptVersion,
                    environment,
                    sessionId,
                    userIdentifier,
                    parameters,
                    metadata,
                    captureMode,
                    renderedContent,
                    renderedSystemMessage,
                    linked,
                    contentSealed,
                    contentError);
        }
    }

    public record Page(List<UsageRow> rows, ExecutionSearch.Cursor next) {}

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate streaming;
    private final org.springframework.transaction.support.TransactionTemplate readOnly;

    UsageSearch(
            JdbcClient jdbc,
            javax.sql.DataSource dataSource,
            org.springframework.transaction.PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        var template = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        template.setFetchSize(ExecutionSearch.FETCH_SIZE);
        this.streaming = new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(template);
        this.readOnly = new org.springframework.transaction.support.TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Streams every usage matching the filter to {@code sink}, newest first, from a server-side
     * cursor (rows without their executions); returns the row count.
     */
    public long stream(String tenant, QueryFilter filter, java.util.function.Consumer<UsageRow> sink) {
        var params = new MapSqlParameterSource();
        var sql = select(tenant, filter, params).append("\nORDER BY occurred_at DESC, id");
        long[] count = {0};
        // PostgreSQL only uses a server-side cursor (fetch size) inside a transaction
        readOnly.executeWithoutResult(status -> streaming.query(sql.toString(), params, rs -> {
            sink.accept(usageRow(rs));
            count[0]++;
        }));
        return count[0];
    }

    private static StringBuilder select(String tenant, QueryFilter filter, MapSqlParameterSource params) {
        params.addValue("tenant", tenant)
                .addValue("from", FactSources.timestamp(filter.from()))
                .addValue("to", FactSources.timestamp(filter.to()));
        var sql = new StringBuilder("""
                SELECT id, occurred_at, prompt_slug, prompt_version, environment, session_id, user_identifier, capture_mode
                FROM usage_fact
                WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to""");
        FactSources.appendFilters(sql, filter, false, params);
        return sql;
    }

    private static UsageRow usageRow(ResultSet rs) throws SQLException {
        return new UsageRow(
                rs.getObject("id", UUID.class),
                instant(rs, "occurred_at"),
                rs.getString("prompt_slug"),
                rs.getInt("prompt_version"),
                rs.getString("environment"),
                rs.getString("session_id"),
                rs.getString("user_identifier"),
                rs.getString("capture_mode"),
                List.of());
    }

    /**
     * A page of usages matching the filter (provider and model do not apply to renders); with
     * {@code hasExecution} only those with (true) or without (false) a linked execution.
     */
    public Page page(String tenant, QueryFilter filter, Boolean hasExecution, int limit, ExecutionSearch.Cursor after) {
        var found = new ArrayList<UsageRow>();
        ExecutionSearch.Cursor position = after;
        int scanned = 0;
        while (true) {
            int chunk = hasExecution == null ? limit + 1 : CHUNK;
            List<UsageRow> rows = usages(tenant, filter, position, chunk);
            if (rows.isEmpty()) {
                return new Page(found, null);
            }
            Map<UUID, List<LinkedExecution>> linked = executionsOf(tenant, timesOf(rows));
            for (var row : rows) {
                var executions = linked.getOrDefault(row.id(), List.of());
                scanned++;
                position = new ExecutionSearch.Cursor(row.occurredAt(), row.id());
                if (hasExecution == null || hasExecution == !executions.isEmpty()) {
                    if (found.size() == limit) { // one more than a page exists
                        var last = found.get(limit - 1);
                        return new Page(found, new ExecutionSearch.Cursor(last.occurredAt(), last.id()));
                    }
                    found.add(row.withExecutions(executions));
                }
            }
            if (rows.size() < chunk) {
                return new Page(found, null);
            }
            if (scanned >= MAX_SCANNED) {
                // bounded work per request: answer what was found and where to go on
                return new Page(found, position);
            }
        }
    }

    /** The usage; content stored sealed is opened through {@code reading}. */
    public Optional<UsageDetail> find(String tenant, UUID id, SealedReads.Reading reading) {
        return jdbc.sql("""
                        SELECT u.*, u.parameters::text AS parameters_json, u.metadata::text AS metadata_json,
                               uc.rendered_content, uc.rendered_system_message, uc.sealed
                        FROM usage_fact u
                        LEFT JOIN usage_content uc ON uc.tenant = u.tenant AND uc.id = u.id AND uc.occurred_at = u.occurred_at
                        WHERE u.tenant = :tenant AND u.id = :id
                        LIMIT 1""")
                .param("tenant", tenant)
                .param("id", id)
                .query((rs, n) -> {
                    var usageId = rs.getObject("id", UUID.class);
                    byte[] sealed = rs.getBytes("sealed");
                    var opened = sealed == null ? null : reading.open(usageId, sealed);
                    JsonNode parameters = json(rs.getString("parameters_json"));
                    JsonNode metadata = json(rs.getString("metadata_json"));
                    return new UsageDetail(
                            usageId,
                            instant(rs, "occurred_at"),
                            rs.getString("prompt_id"),
                            rs.getString("prompt_slug"),
                            rs.getInt("prompt_version"),
                            rs.getString("environment"),
                            rs.getString("session_id"),
                            rs.getString("user_identifier"),
                            opened == null ? parameters : opened.json("parameters", parameters),
                            opened == null ? metadata : opened.json("metadata", metadata),
                            rs.getString("capture_mode"),
                            opened == null ? rs.getString("rendered_content") : opened.text("rendered_content"),
                            opened == null
                                    ? rs.getString("rendered_system_message")
                                    : opened.text("rendered_system_message"),
                            List.of(),
                            opened != null,
                            opened == null ? null : opened.error());
                })
                .optional()
                .map(u -> u.withExecutions(
                        executionsOf(tenant, Map.of(u.id(), u.occurredAt())).getOrDefault(u.id(), List.of())));
    }

    private List<UsageRow> usages(String tenant, QueryFilter filter, ExecutionSearch.Cursor after, int limit) {
        var params = new MapSqlParameterSource();
        var sql = select(tenant, filter, params);
        if (after != null) {
            sql.append("\n  AND occurred_at <= :cursorAt");
            sql.append("\n  AND (occurred_at < :cursorAt OR (occurred_at = :cursorAt AND id > :cursorId))");
            params.addValue("cursorAt", FactSources.timestamp(after.occurredAt()));
            params.addValue("cursorId", after.id());
        }
        sql.append("\nORDER BY occurred_at DESC, id\nLIMIT :limit");
        params.addValue("limit", limit);
        return jdbc.sql(sql.toString())
                .paramSource(params)
                .query((rs, n) -> usageRow(rs))
                .list();
    }

    private static Map<UUID, Instant> timesOf(List<UsageRow> rows) {
        var times = new HashMap<UUID, Instant>();
        rows.forEach(row -> times.put(row.id(), row.occurredAt()));
        return times;
    }

    /** The executions of these usages (id → event time), by usage id, found in one range query around their times. */
    private Map<UUID, List<LinkedExecution>> executionsOf(String tenant, Map<UUID, Instant> usages) {
        Instant earliest = Collections.min(usages.values());
        Instant latest = Collections.max(usages.values());
        var byUsage = new HashMap<UUID, List<LinkedExecution>>();
        jdbc.sql("""
                        SELECT usage_id, id, occurred_at, provider, model, status, total_tokens, execution_time_ms,
                               pricing_status, total_cost
                        FROM execution_fact
                        WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to
                          AND usage_id = ANY(CAST(:ids AS uuid[]))
                        ORDER BY occurred_at, id""")
                .param("tenant", tenant)
                .param("from", FactSources.timestamp(earliest.minus(LINK_BEFORE)))
                .param("to", FactSources.timestamp(latest.plus(LINK_AFTER)))
                .param("ids", usages.keySet().stream().map(UUID::toString).toArray(String[]::new))
                .query(rs -> {
                    BigDecimal cost = rs.getBigDecimal("total_cost");
                    byUsage.computeIfAbsent(rs.getObject("usage_id", UUID.class), k -> new ArrayList<>())
                            .add(new LinkedExecution(
                                    rs.getObject("id", UUID.class),
                                    instant(rs, "occurred_at"),
                                    rs.getString("provider"),
                                    rs.getString("model"),
                                    rs.getString("status"),
                                    rs.getLong("total_tokens"),
                                    rs.getLong("execution_time_ms"),
                                    rs.getString("pricing_status"),
                                    cost == null ? null : Numbers.money(cost)));
                });
        return byUsage;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static JsonNode json(String text) {
        return text == null ? null : JSON.readTree(text);
    }
}
