package dev.promptengine.analytics.drilldown;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.FactSources;
import dev.promptengine.analytics.query.Numbers;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
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
 * Sessions ({@code session_id}) and end users ({@code user_identifier}) from raw facts: what each
 * did in a range (renders, calls, errors, tokens, exact cost and unpriced calls), and one session's
 * every usage and execution in event-time order. Served by the partial indexes
 * {@code usage_fact_session_idx} / {@code execution_fact_session_idx} (and {@code *_user_idx}) of V1.
 */
@Component
public class SessionSearch {

    /** The most events one session answer holds; more are reported as {@code truncated}. */
    static final int MAX_EVENTS = 1000;

    /** What one session (or one user, without {@code session_id}) did in the range. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Summary(
            @Schema(example = "session-7f3a") String sessionId,

            @Schema(description = "The session's end user (the smallest one seen, should a session carry several)")
            String userIdentifier,

            Instant firstAt,
            Instant lastAt,
            @Schema(description = "Renders (usages)") long usages,
            long executions,

            @Schema(description = "Executions with status error or timeout")
            long errors,

            long totalTokens,

            @Schema(description = "Exact USD decimal of the priced executions", example = "0.01734")
            String totalCost,

            @Schema(description = "Executions without a known cost: total_cost leaves them out")
            long unpricedExecutions) {}

    /** Position after the last session of a page: its last event time and id. */
    public record Cursor(Instant lastAt, String sessionId) {

        public String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((lastAt + "|" + sessionId).getBytes(StandardCharsets.UTF_8));
        }

        public static Cursor decode(String value) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw new InvalidParameterException("cursor", "'cursor' is not a cursor returned by this API");
            }
        }
    }

    public record Page(List<Summary> sessions, Cursor next) {}

    /** One render or one call of a session, as it happened. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Event(
            @Schema(allowableValues = {"usage", "execution"})
            String type,

            UUID id,
            Instant occurredAt,
            String promptSlug,
            int promptVersion,
            String environment,
            String userIdentifier,

            @Schema(description = "execution: the usage (render) it belongs to")
            UUID usageId,

            String provider,
            String model,

            @Schema(description = "execution: success, error, timeout or unknown")
            String status,

            String errorMessage,
            Long inputTokens,
            Long outputTokens,
            Long totalTokens,
            Long executionTimeMs,

            @Schema(description = "execution: priced, unpriced or unknown")
            String pricingStatus,

            @Schema(description = "execution: exact USD decimal; null when unpriced")
            String totalCost,

            @Schema(description = "usage: the rendered prompt (null when not captured or expired)")
            String renderedContent,

            @Schema(description = "execution: the messages sent, [{role, content}]")
            JsonNode messages,

            @Schema(description = "execution: the response") String responseContent,

            @Schema(
                    description =
                            "True when the content was stored encrypted and was decrypted for this answer (audited)")
            boolean contentSealed,

            @Schema(description = "Why encrypted content could not be shown (the content fields are then null)")
            String contentError) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Session(
            Summary summary,

            @Schema(description = "Oldest first; a render before the calls made from it")
            List<Event> events,

            @Schema(
                    description =
                            "True when the session has more than " + MAX_EVENTS + " events (the first ones are listed)")
            boolean truncated) {}

    private static final Instant BEGINNING = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant END = Instant.parse("9999-01-01T00:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    SessionSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Sessions with events in the range, the most recently active first. */
    public Page page(String tenant, QueryFilter filter, int limit, Cursor after) {
        var params = new MapSqlParameterSource();
        var sql = summaries(tenant, filter, "session_id", params);
        if (after != null) {
            sql.append("\nWHERE (last_at, group_key) < (:cursorAt, :cursorId)");
            params.addValue("cursorAt", FactSources.timestamp(after.lastAt()));
            params.addValue("cursorId", after.sessionId());
        }
        sql.append("\nORDER BY last_at DESC, group_key DESC\nLIMIT :limit");
        params.addValue("limit", limit + 1);
        List<Summary> rows = jdbc.sql(sql.toString())
                .paramSource(params)
                .query(SessionSearch::summary)
                .list();
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        var page = rows.subList(0, limit);
        var last = page.get(limit - 1);
        return new Page(List.copyOf(page), new Cursor(last.lastAt(), last.sessionId()));
    }

    /** What one end user did in the range, sessions or not. */
    public Optional<Summary> user(String tenant, QueryFilter filter) {
        var params = new MapSqlParameterSource();
        var sql = summaries(tenant, filter, "user_identifier", params);
        return jdbc.sql(sql.toString())
                .paramSource(params)
                .query(SessionSearch::summary)
                .optional();
    }

    /** Every usage and execution of a session (any time), oldest first; empty when the tenant has none. */
    /** The session; content stored sealed is opened through {@code reading}. */
    public Optional<Session> session(String tenant, String sessionId, SealedReads.Reading reading) {
        var all = new QueryFilter(BEGINNING, END, null, null, null, null, null, null, sessionId);
        var params = new MapSqlParameterSource();
        var summary = jdbc.sql(summaries(tenant, all, "session_id", params).toString())
                .paramSource(params)
                .query(SessionSearch::summary)
                .optional();
        if (summary.isEmpty()) {
            return Optional.empty();
        }
        List<Event> events = jdbc.sql(EVENTS)
                .param("tenant", tenant)
                .param("session", sessionId)
                .param("limit", MAX_EVENTS + 1)
                .query((rs, n) -> event(rs, n < MAX_EVENTS ? reading : null))
                .list();
        boolean truncated = events.size() > MAX_EVENTS;
        return Optional.of(
                new Session(summary.get(), truncated ? List.copyOf(events.subList(0, MAX_EVENTS)) : events, truncated));
    }

    /**
     * Per {@code key} ({@code session_id} or {@code user_identifier}), usages and executions in the
     * range aggregated apart and joined: a session may have renders without calls, and (when
     * provider or model is filtered) only the sessions with a matching call count.
     */
    private static StringBuilder summaries(
            String tenant, QueryFilter filter, String key, MapSqlParameterSource params) {
        params.addValue("tenant", tenant)
                .addValue("from", FactSources.timestamp(filter.from()))
                .addValue("to", FactSources.timestamp(filter.to()));
        var usages = new StringBuilder("""
                SELECT %1$s AS k, min(occurred_at) AS first_at, max(occurred_at) AS last_at, count(*) AS usages,
                       min(user_identifier) AS user_identifier
                FROM usage_fact
                WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to AND %1$s IS NOT NULL""".formatted(key));
        FactSources.appendFilters(usages, filter, false, params);
        usages.append("\n  GROUP BY ").append(key);
        var executions = new StringBuilder("""
                SELECT %1$s AS k, min(occurred_at) AS first_at, max(occurred_at) AS last_at, count(*) AS executions,
                       count(*) FILTER (WHERE status IN ('error', 'timeout')) AS errors,
                       sum(total_tokens) AS total_tokens, sum(total_cost) AS total_cost,
                       count(*) FILTER (WHERE pricing_status <> 'priced') AS unpriced,
                       min(user_identifier) AS user_identifier
                FROM execution_fact
                WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to AND %1$s IS NOT NULL""".formatted(key));
        FactSources.appendFilters(executions, filter, true, params);
        executions.append("\n  GROUP BY ").append(key);
        String join = filter.filtersExecutionOnlyDimensions() ? "e LEFT JOIN u" : "u FULL JOIN e";
        return new StringBuilder("WITH u AS (")
                .append(usages)
                .append("),\ne AS (")
                .append(executions)
                .append(")\nSELECT * FROM (\n")
                .append("""
                        SELECT coalesce(u.k, e.k) AS group_key, %s AS session_id,
                               coalesce(u.user_identifier, e.user_identifier) AS user_identifier,
                               least(u.first_at, e.first_at) AS first_at, greatest(u.last_at, e.last_at) AS last_at,
                               coalesce(u.usages, 0) AS usages, coalesce(e.executions, 0) AS executions,
                               coalesce(e.errors, 0) AS errors, coalesce(e.total_tokens, 0) AS total_tokens,
                               coalesce(e.total_cost, 0) AS total_cost, coalesce(e.unpriced, 0) AS unpriced
                        FROM\s""".formatted(key.equals("session_id") ? "coalesce(u.k, e.k)" : "NULL::text"))
                .append(join)
                .append(" ON e.k = u.k\n) s");
    }

    // a render sorts before the calls made from it when they share an instant
    private static final String EVENTS = """
            SELECT * FROM (
              SELECT 'usage' AS type, u.id, u.occurred_at, u.prompt_slug, u.prompt_version, u.environment,
                     u.user_identifier, NULL::uuid AS usage_id, NULL AS provider, NULL AS model, NULL AS status,
                     NULL AS error_message, NULL::bigint AS input_tokens, NULL::bigint AS output_tokens,
                     NULL::bigint AS total_tokens, NULL::bigint AS execution_time_ms, NULL AS pricing_status,
                     NULL::numeric AS total_cost, uc.rendered_content, NULL AS messages_json, NULL AS response_content,
                     uc.sealed
              FROM usage_fact u
              LEFT JOIN usage_content uc ON uc.tenant = u.tenant AND uc.id = u.id AND uc.occurred_at = u.occurred_at
              WHERE u.tenant = :tenant AND u.session_id = :session
              UNION ALL
              SELECT 'execution', e.id, e.occurred_at, e.prompt_slug, e.prompt_version, e.environment,
                     e.user_identifier, e.usage_id, e.provider, e.model, e.status, e.error_message, e.input_tokens,
                     e.output_tokens, e.total_tokens, e.execution_time_ms, e.pricing_status, e.total_cost, NULL,
                     c.messages::text, c.response_content, c.sealed
              FROM execution_fact e
              LEFT JOIN execution_content c ON c.tenant = e.tenant AND c.id = e.id AND c.occurred_at = e.occurred_at
              WHERE e.tenant = :tenant AND e.session_id = :session
            ) events
            ORDER BY occurred_at, type DESC, id
            LIMIT :limit""";

    private static Summary summary(ResultSet rs, int rowNumber) throws SQLException {
        BigDecimal cost = rs.getBigDecimal("total_cost");
        return new Summary(
                rs.getString("session_id"),
                rs.getString("user_identifier"),
                rs.getObject("first_at", java.time.OffsetDateTime.class).toInstant(),
                rs.getObject("last_at", java.time.OffsetDateTime.class).toInstant(),
                rs.getLong("usages"),
                rs.getLong("executions"),
                rs.getLong("errors"),
                rs.getLong("total_tokens"),
                Numbers.money(cost),
                rs.getLong("unpriced"));
    }

    /** One event; its sealed content opened through {@code reading} (null: past the answer's end, not opened). */
    private static Event event(ResultSet rs, SealedReads.Reading reading) throws SQLException {
        BigDecimal cost = rs.getBigDecimal("total_cost");
        String messages = rs.getString("messages_json");
        var id = rs.getObject("id", UUID.class);
        byte[] sealed = rs.getBytes("sealed");
        var opened = sealed == null || reading == null ? null : reading.open(id, sealed);
        return new Event(
                rs.getString("type"),
                id,
                rs.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant(),
                rs.getString("prompt_slug"),
                rs.getInt("prompt_version"),
                rs.getString("environment"),
                rs.getString("user_identifier"),
                rs.getObject("usage_id", UUID.class),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getString("status"),
                opened == null ? rs.getString("error_message") : opened.text("error_message"),
                (Long) rs.getObject("input_tokens"),
                (Long) rs.getObject("output_tokens"),
                (Long) rs.getObject("total_tokens"),
                (Long) rs.getObject("execution_time_ms"),
                rs.getString("pricing_status"),
                cost == null ? null : Numbers.money(cost),
                opened == null ? rs.getString("rendered_content") : opened.text("rendered_content"),
                opened == null ? (messages == null ? null : JSON.readTree(messages)) : opened.node("messages"),
                opened == null ? rs.getString("response_content") : opened.text("response_content"),
                opened != null,
                opened == null ? null : opened.error());
    }
}
