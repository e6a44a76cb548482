package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.WritePool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;

/**
 * Writes a batch's raw facts inside the batch transaction of {@link FactsWriter}: {@code COPY}s
 * them into a staging table, moves them with {@code ON CONFLICT DO NOTHING ... RETURNING} and
 * answers the facts that were new, so only those reach the rollups (a redelivered fact is stored
 * once and counted once). Content rows ({@code *_content}) are copied for new facts only.
 */
@Component
class RawFactWriter {

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    RawFactWriter(WritePool pool) {
        this.jdbc = pool.jdbc();
        this.dataSource = pool.dataSource();
    }

    private static final String USAGE_COLUMNS = "tenant, id, occurred_at, received_at, prompt_id, prompt_slug,"
            + " prompt_version, environment, session_id, user_identifier, parameters, metadata, capture_mode,"
            + " redactions, has_content";

    private static final String EXECUTION_COLUMNS = "tenant, id, occurred_at, usage_id, received_at, prompt_slug,"
            + " prompt_version, environment, session_id, user_identifier, provider, model, temperature, max_tokens,"
            + " input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,"
            + " execution_time_ms, latency_bucket, status, error_type, error_message, response_metadata, capture_mode,"
            + " redactions, pricing_status, price_id, matched_rule, currency, input_cost, cached_input_cost,"
            + " cache_write_cost, output_cost, reasoning_cost, total_cost, long_context_applied, priced_at, price_version,"
            + " price_layer, discount_id, discount_percent, cost_source, catalog_cost, provider_cost, cost_revision,"
            + " has_content";

    List<UsageFact> insertUsages(Collection<UsageFact> facts) {
        if (facts.isEmpty()) {
            return List.of();
        }
        var rows = new CopyRows();
        for (UsageFact f : facts) {
            rows.add(f.key().tenant())
                    .add(f.key().id())
                    .add(f.key().occurredAt())
                    .add(f.receivedAt())
                    .add(f.promptId())
                    .add(f.promptSlug())
                    .add(f.promptVersion())
                    .add(f.environment())
                    .add(f.sessionId())
                    .add(f.userIdentifier())
                    .add(f.parametersJson())
                    .add(f.metadataJson())
                    .add(f.captureMode())
                    .add(f.redactionsJson())
                    .add(f.hasContent())
                    .endRow();
        }
        Set<FactKey> inserted = insertNew("usage_fact", USAGE_COLUMNS, rows);
        var fresh = facts.stream().filter(f -> inserted.contains(f.key())).toList();
        var content = new CopyRows();
        for (UsageFact f : fresh) {
            if (f.hasContent()) {
                content.add(f.key().tenant())
                        .add(f.key().id())
                        .add(f.key().occurredAt())
                        .add(f.renderedContent())
                        .add(f.renderedSystemMessage())
                        .add(bytea(f.sealed()))
                        .endRow();
            }
        }
        copy(content, "usage_content", "tenant, id, occurred_at, rendered_content, rendered_system_message, sealed");
        return fresh;
    }

    List<ExecutionFact> insertExecutions(Collection<ExecutionFact> facts) {
        if (facts.isEmpty()) {
            return List.of();
        }
        var rows = new CopyRows();
        for (ExecutionFact f : facts) {
            rows.add(f.key().tenant())
                    .add(f.key().id())
                    .add(f.key().occurredAt())
                    .add(f.usageId())
                    .add(f.receivedAt())
                    .add(f.promptSlug())
                    .add(f.promptVersion())
                    .add(f.environment())
                    .add(f.sessionId())
                    .add(f.userIdentifier())
                    .add(f.provider())
                    .add(f.model())
                    .add(f.temperature())
                    .add(f.maxTokens())
                    .add(f.inputTokens())
                    .add(f.outputTokens())
                    .add(f.totalTokens())
                    .add(f.cachedInputTokens())
                    .add(f.cacheWriteTokens())
                    .add(f.reasoningTokens())
                    .add(f.executionTimeMs())
                    .add(f.latencyBucket())
                    .add(f.status())
                    .add(f.errorType())
                    .add(f.errorMessage())
                    .add(f.responseMetadataJson())
                    .add(f.captureMode())
                    .add(f.redactionsJson())
                    .add(f.pricingStatus())
                    .add(f.priceId())
                    .add(f.matchedRule())
                    .add(f.currency())
                    .add(f.inputCost())
                    .add(f.cachedInputCost())
                    .add(f.cacheWriteCost())
                    .add(f.outputCost())
                    .add(f.reasoningCost())
                    .add(f.totalCost())
                    .add(f.longContextApplied())
                    .add(f.pricedAt())
                    .add(f.priceVersion())
                    .add(f.priceLayer())
                    .add(f.discountId())
                    .add(f.discountPercent())
                    .add(f.costSource())
                    .add(f.catalogCost())
                    .add(f.providerCost())
                    .add(f.costRevision())
                    .add(f.hasContent())
                    .endRow();
        }
        Set<FactKey> inserted = insertNew("execution_fact", EXECUTION_COLUMNS, rows);
        var fresh = facts.stream().filter(f -> inserted.contains(f.key())).toList();
        var content = new CopyRows();
        for (ExecutionFact f : fresh) {
            if (f.hasContent()) {
                content.add(f.key().tenant())
                        .add(f.key().id())
                        .add(f.key().occurredAt())
                        .add(f.messagesJson() == null ? "[]" : f.messagesJson())
                        .add(f.responseContent())
                        .add(bytea(f.sealed()))
                        .endRow();
            }
        }
        copy(content, "execution_content", "tenant, id, occurred_at, messages, response_content, sealed");
        return fresh;
    }

    /**
     * {@code COPY}s the rows into a per-connection temporary staging table (no WAL, no indexes,
     * emptied at commit) and moves them into the raw table with {@code INSERT ... ON CONFLICT DO
     * NOTHING}, in key order. Returns the keys that were new. COPY parses each value once, where an
     * {@code unnest} of bound arrays parses every array and then casts every element.
     */
    private Set<FactKey> insertNew(String table, String columns, CopyRows rows) {
        String stage = table + "_stage";
        jdbc.sql("CREATE TEMP TABLE IF NOT EXISTS %s (LIKE %s INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
                        .formatted(stage, table))
                .update();
        copy(rows, stage, columns);
        return new HashSet<>(jdbc.sql("""
                        INSERT INTO %s (%s)
                        SELECT %s FROM %s ORDER BY tenant, id, occurred_at
                        ON CONFLICT DO NOTHING
                        RETURNING tenant, id, occurred_at
                        """.formatted(table, columns, columns, stage))
                .query(RawFactWriter::key)
                .list());
    }

    /** COPY into a raw table on the transaction's connection (content rows of new facts only). */
    private void copy(CopyRows rows, String table, String columns) {
        if (rows.rows() == 0) {
            return;
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            rows.copyInto(connection, table, columns);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** bytea in COPY text format (hex); CopyRows escapes the backslash. */
    private static String bytea(byte[] bytes) {
        return bytes == null ? null : "\\x" + java.util.HexFormat.of().formatHex(bytes);
    }

    private static FactKey key(java.sql.ResultSet rs, int row) throws SQLException {
        return new FactKey(
                rs.getString(1),
                rs.getObject(2, UUID.class),
                rs.getObject(3, OffsetDateTime.class).toInstant());
    }
}
