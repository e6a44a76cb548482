package dev.promptengine.analytics.drilldown;

import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.FactSources;
import dev.promptengine.analytics.query.Numbers;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Raw executions matching {@link ExecutionCriteria}, newest first, through the
 * {@code (tenant, occurred_at DESC, id)} index: pages with a keyset cursor for the drill-down, and a
 * server-side cursor (fetch size {@value #FETCH_SIZE}, in a read-only transaction) for the export, so
 * memory stays bounded whatever the row count.
 */
@Component
public class ExecutionSearch {

    static final int FETCH_SIZE = 1000;

    /** Position after the last row of a page: its time and id. */
    public record Cursor(Instant occurredAt, UUID id) {

        public String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((occurredAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        public static Cursor decode(String value) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Cursor(Instant.parse(text.substring(0, bar)), UUID.fromString(text.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw new InvalidParameterException("cursor", "'cursor' is not a cursor returned by this API");
            }
        }
    }

    public record Page(List<ExecutionRow> rows, Cursor next) {}

    static final String COLUMNS = """
            SELECT id, occurred_at, usage_id, prompt_slug, prompt_version, environment, provider, model,
                   user_identifier, session_id, status, error_type, error_message, input_tokens, output_tokens,
                   total_tokens, cached_input_tokens, reasoning_tokens, execution_time_ms, pricing_status, total_cost,
                   CASE WHEN error_message IS NULL AND status <> 'success' THEN
                     (SELECT c.sealed FROM execution_content c WHERE c.tenant = execution_fact.tenant
                        AND c.id = execution_fact.id AND c.occurred_at = execution_fact.occurred_at) END AS sealed
            FROM execution_fact
            WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to""";

    // id ascending within one instant: the same order as the index, read forward
    private static final String ORDER = "\nORDER BY occurred_at DESC, id";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate streaming;
    private final TransactionTemplate readOnly;

    ExecutionSearch(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        var template = new JdbcTemplate(dataSource);
        template.setFetchSize(FETCH_SIZE);
        this.streaming = new NamedParameterJdbcTemplate(template);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /** A page of rows; an error message stored sealed is opened through {@code reading}. */
    public Page page(String tenant, ExecutionCriteria criteria, int limit, Cursor after, SealedReads.Reading reading) {
        var params = new MapSqlParameterSource();
        var sql = where(tenant, criteria, params);
        if (after != null) {
            // the first condition is implied by the second; it is the one the index can seek to
            sql.append("\n  AND occurred_at <= :cursorAt");
            sql.append("\n  AND (occurred_at < :cursorAt OR (occurred_at = :cursorAt AND id > :cursorId))");
            params.addValue("cursorAt", FactSources.timestamp(after.occurredAt()));
            params.addValue("cursorId", after.id());
        }
        sql.append(ORDER).append("\nLIMIT :limit");
        params.addValue("limit", limit + 1);
        List<ExecutionRow> rows = jdbc.sql(sql.toString())
                .paramSource(params)
                .query((rs, n) -> row(rs, reading))
                .list();
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        var page = rows.subList(0, limit);
        var last = page.get(limit - 1);
        return new Page(List.copyOf(page), new Cursor(last.occurredAt(), last.id()));
    }

    /** Streams every matching row to {@code sink}, newest first, sealed error messages opened; returns the row count. */
    public long stream(
            String tenant, ExecutionCriteria criteria, SealedReads.Reading reading, Consumer<ExecutionRow> sink) {
        var params = new MapSqlParameterSource();
        var sql = where(tenant, criteria, params).append(ORDER);
        long[] count = {0};
        // PostgreSQL only uses a server-side cursor (fetch size) inside a transaction
        readOnly.executeWithoutResult(status -> streaming.query(sql.toString(), params, rs -> {
            sink.accept(row(rs, reading));
            count[0]++;
        }));
        return count[0];
    }

    private static StringBuilder where(String tenant, ExecutionCriteria criteria, MapSqlParameterSource params) {
        QueryFilter filter = criteria.filter();
        params.addValue("tenant", tenant)
                .addValue("from", FactSources.timestamp(filter.from()))
                .addValue("to", FactSources.timestamp(filter.to()));
        var sql = new StringBuilder(COLUMNS);
        FactSources.appendFilters(sql, filter, true, params);
        if (criteria.status() != null) {
            sql.append("\n  AND status = :status");
            params.addValue("status", criteria.status());
        }
        if (criteria.minCost() != null) {
            sql.append("\n  AND total_cost >= :minCost");
            params.addValue("minCost", criteria.minCost());
        }
        if (criteria.errorContains() != null) {
            sql.append("\n  AND error_message ILIKE :errorPattern ESCAPE '\\'");
            params.addValue("errorPattern", "%" + escapeLike(criteria.errorContains()) + "%");
        }
        return sql;
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static ExecutionRow row(ResultSet rs, SealedReads.Reading reading) throws SQLException {
        var cost = rs.getBigDecimal("total_cost");
        var id = rs.getObject("id", UUID.class);
        byte[] sealed = rs.getBytes("sealed");
        var opened = sealed == null ? null : reading.open(id, sealed);
        return new ExecutionRow(
                id,
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getObject("usage_id", UUID.class),
                rs.getString("prompt_slug"),
                rs.getInt("prompt_version"),
                rs.getString("environment"),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getString("user_identifier"),
                rs.getString("session_id"),
                rs.getString("status"),
                rs.getString("error_type"),
                opened == null ? rs.getString("error_message") : opened.text("error_message"),
                rs.getLong("input_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("total_tokens"),
                rs.getLong("cached_input_tokens"),
                rs.getLong("reasoning_tokens"),
                rs.getLong("execution_time_ms"),
                rs.getString("pricing_status"),
                cost == null ? null : Numbers.money(cost),
                opened != null,
                opened == null ? null : opened.error());
    }
}
