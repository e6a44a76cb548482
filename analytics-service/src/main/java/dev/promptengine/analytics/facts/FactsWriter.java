package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.deadletter.DeadLetter;
import dev.promptengine.analytics.deadletter.DeadLetterStore;
import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.analytics.partition.RollupLock;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes one consumed batch in one PostgreSQL transaction: checks the partitions are still owned
 * (fencing), skips records below the stored offsets, stores poison records as dead letters, {@code COPY}s raw
 * facts into a staging table and moves them with {@code ON CONFLICT DO NOTHING ... RETURNING}, feeds
 * only the newly inserted ones to the rollups (reduced in memory per {@link Rollups.Shape}, upserted
 * with one {@code unnest} statement per table) and stores the offsets. Either all of it commits or
 * none of it.
 */
@Component
class FactsWriter {

    /** A consumed record and what it decoded to. */
    record Consumed(ConsumerRecord<String, byte[]> record, EventDecoder.Decoded decoded) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }

        /** The same record, as poison PostgreSQL refused to store (found by isolating it). */
        Consumed rejected(String reason) {
            FactKey key = decoded.key();
            String type = decoded instanceof EventDecoder.Usage
                    ? "usage"
                    : decoded instanceof EventDecoder.Correction ? "cost_correction" : "execution";
            return new Consumed(
                    record,
                    new EventDecoder.Poison(
                            EventDecoder.Poison.REJECTED_BY_DATABASE,
                            reason,
                            key == null ? null : key.tenant(),
                            key == null ? null : key.id(),
                            key == null ? null : type));
        }

        DeadLetter deadLetter(String group, EventDecoder.Poison poison) {
            return new DeadLetter(
                    group,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    poison.tenant(),
                    poison.eventId(),
                    poison.eventType(),
                    poison.kind(),
                    poison.reason(),
                    record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    record.value());
        }
    }

    /** What a committed batch changed (for logs, metrics and tests). */
    record Outcome(
            int skipped,
            List<DeadLetter> deadLetters,
            int newUsages,
            int newExecutions,
            int duplicates,
            int corrections) {

        int deadLettered() {
            return deadLetters.size();
        }

        Outcome plus(Outcome other) {
            var letters = new ArrayList<DeadLetter>(deadLetters);
            letters.addAll(other.deadLetters);
            return new Outcome(
                    skipped + other.skipped,
                    List.copyOf(letters),
                    newUsages + other.newUsages,
                    newExecutions + other.newExecutions,
                    duplicates + other.duplicates,
                    corrections + other.corrections);
        }
    }

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private final OffsetStore offsets;
    private final DeadLetterStore deadLetters;
    private final PartitionManager partitions;
    private final CorrectionWriter corrections;
    private final AnalyticsProperties properties;

    FactsWriter(
            WritePool pool,
            OffsetStore offsets,
            DeadLetterStore deadLetters,
            PartitionManager partitions,
            CorrectionWriter corrections,
            AnalyticsProperties properties) {
        this.properties = properties;
        this.corrections = corrections;
        this.jdbc = pool.jdbc();
        this.dataSource = pool.dataSource();
        this.transactions = pool.transactions();
        this.offsets = offsets;
        this.deadLetters = deadLetters;
        this.partitions = partitions;
    }

    Outcome write(String group, List<Consumed> batch, Map<TopicPartition, Long> epochs) {
        partitions.ensureRawDays(batch.stream()
                .map(c -> c.decoded().key())
                .filter(java.util.Objects::nonNull)
                .map(FactKey::occurredAt)
                .collect(Collectors.toSet()));
        return transactions.execute(status -> {
            RollupLock.shared(jdbc, properties.synchronousCommit());
            Map<TopicPartition, Long> stored = offsets.lockOwned(group, epochs);
            var fresh = batch.stream()
                    .filter(c -> c.record().offset() >= stored.get(c.partition()))
                    .toList();
            var poison = new ArrayList<DeadLetter>();
            var usages = new LinkedHashMap<FactKey, UsageFact>();
            var executions = new LinkedHashMap<FactKey, ExecutionFact>();
            var revisions = new LinkedHashMap<FactKey, Consumed>();
            int duplicates = 0;
            for (Consumed c : fresh) {
                if (c.decoded() instanceof EventDecoder.Poison p) {
                    poison.add(c.deadLetter(group, p));
                } else if (c.decoded() instanceof EventDecoder.Usage u) {
                    if (usages.putIfAbsent(u.key(), u.fact()) != null) {
                        duplicates++;
                    }
                } else if (c.decoded() instanceof EventDecoder.Execution e) {
                    if (executions.putIfAbsent(e.key(), e.fact()) != null) {
                        duplicates++;
                    }
                } else if (c.decoded() instanceof EventDecoder.Correction r) {
                    // the highest revision of an execution in the batch is the one that counts
                    Consumed previous = revisions.get(r.key());
                    if (previous == null || revision(c) > revision(previous)) {
                        revisions.put(r.key(), c);
                    }
                    if (previous != null) {
                        duplicates++;
                    }
                }
            }
            List<UsageFact> newUsages = insertUsages(usages.values());
            List<ExecutionFact> newExecutions = insertExecutions(executions.values());
            duplicates += usages.size() - newUsages.size() + executions.size() - newExecutions.size();
            for (Rollups.Shape shape : Rollups.Shape.values()) {
                var rollups = new Rollups(shape);
                rollups.addUsages(newUsages);
                rollups.addExecutions(newExecutions);
                upsertUsageRollups(rollups);
                upsertExecutionRollups(rollups);
            }
            // after the new executions: a correction may follow its execution within one batch
            var applied = corrections.apply(revisions.values().stream()
                    .map(c -> ((EventDecoder.Correction) c.decoded()).revision())
                    .toList());
            duplicates += applied.duplicates();
            for (CostRevision unknown : applied.unknown()) {
                Consumed c = revisions.get(unknown.key());
                poison.add(c.deadLetter(
                        group,
                        new EventDecoder.Poison(
                                EventDecoder.Poison.UNKNOWN_EXECUTION,
                                "cost correction revision " + unknown.revision() + " of execution "
                                        + unknown.key().id()
                                        + " (tenant " + unknown.key().tenant() + ", occurred_at "
                                        + unknown.key().occurredAt() + "): no such execution is stored",
                                unknown.key().tenant(),
                                unknown.key().id(),
                                "cost_correction")));
            }
            deadLetters.insert(poison); // with the offsets: once per record, however often the batch is retried
            // dashboards hear of it when (and only if) this transaction commits
            CommitAnnouncer.announce(
                    jdbc, changedTenants(newUsages, newExecutions, applied.applied() > 0 ? revisions : Map.of()));
            offsets.advance(group, nextOffsets(batch));
            return new Outcome(
                    batch.size() - fresh.size(),
                    List.copyOf(poison),
                    newUsages.size(),
                    newExecutions.size(),
                    duplicates,
                    applied.applied());
        });
    }

    private static Set<String> changedTenants(
            List<UsageFact> usages, List<ExecutionFact> executions, Map<FactKey, Consumed> corrections) {
        var tenants = new HashSet<String>();
        usages.forEach(f -> tenants.add(f.key().tenant()));
        executions.forEach(f -> tenants.add(f.key().tenant()));
        corrections.keySet().forEach(k -> tenants.add(k.tenant()));
        return tenants;
    }

    private static int revision(Consumed c) {
        return ((EventDecoder.Correction) c.decoded()).revision().revision();
    }

    private static Map<TopicPartition, Long> nextOffsets(List<Consumed> batch) {
        var next = new LinkedHashMap<TopicPartition, Long>();
        for (Consumed c : batch) {
            next.merge(c.partition(), c.record().offset() + 1, Math::max);
        }
        return next;
    }

    // ----------------------------------------------------------------------------------------------
    // raw facts

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

    private List<UsageFact> insertUsages(Collection<UsageFact> facts) {
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
                        .endRow();
            }
        }
        copy(content, "usage_content", "tenant, id, occurred_at, rendered_content, rendered_system_message");
        return fresh;
    }

    private List<ExecutionFact> insertExecutions(Collection<ExecutionFact> facts) {
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
                        .endRow();
            }
        }
        copy(content, "execution_content", "tenant, id, occurred_at, messages, response_content");
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
                .query(FactsWriter::key)
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

    private static FactKey key(java.sql.ResultSet rs, int row) throws SQLException {
        return new FactKey(
                rs.getString(1),
                rs.getObject(2, UUID.class),
                rs.getObject(3, OffsetDateTime.class).toInstant());
    }

    // ----------------------------------------------------------------------------------------------
    // rollups

    private static String keyColumns(Rollups.Shape shape, String... dimensions) {
        return (shape.byPrompt() ? "tenant, bucket_start, prompt_slug, prompt_version, " : "tenant, bucket_start, ")
                + String.join(", ", dimensions);
    }

    private static String keyArrays(Rollups.Shape shape, String... dimensions) {
        var arrays = new StringBuilder(":tenant::text[], :bucket_start::timestamptz[], ");
        if (shape.byPrompt()) {
            arrays.append(":prompt_slug::text[], :prompt_version::int[], ");
        }
        for (String dimension : dimensions) {
            arrays.append(':').append(dimension).append("::text[], ");
        }
        return arrays.toString();
    }

    private void upsertUsageRollups(Rollups rollups) {
        var rows = new ArrayList<>(rollups.usages().entrySet());
        if (rows.isEmpty()) {
            return;
        }
        var shape = rollups.shape();
        String keys = keyColumns(shape, "environment");
        var statement = jdbc.sql("""
                        INSERT INTO %s AS r (%s, usage_count)
                        SELECT * FROM unnest(%s :usage_count::bigint[])
                        ON CONFLICT (%s) DO UPDATE SET usage_count = r.usage_count + excluded.usage_count
                        """.formatted(shape.usageTable(), keys, keyArrays(shape, "environment"), keys))
                .param("tenant", column(rows, e -> e.getKey().tenant()))
                .param("bucket_start", column(rows, e -> e.getKey().bucketStart()))
                .param("environment", column(rows, e -> e.getKey().environment()))
                .param("usage_count", column(rows, e -> e.getValue()[0]));
        if (shape.byPrompt()) {
            statement = statement
                    .param("prompt_slug", column(rows, e -> e.getKey().promptSlug()))
                    .param("prompt_version", column(rows, e -> e.getKey().promptVersion()));
        }
        statement.update();
    }

    /**
     * One multi-row upsert per table: new keys are inserted, existing ones add the batch's sums
     * and merge its histogram with one {@code hist_merge} call per row.
     */
    private void upsertExecutionRollups(Rollups rollups) {
        var rows = new ArrayList<>(rollups.executions().entrySet());
        if (rows.isEmpty()) {
            return;
        }
        var shape = rollups.shape();
        String[] dimensions = {"environment", "provider", "model", "status", "error_type"};
        String keys = keyColumns(shape, dimensions);
        var statement = jdbc.sql(
                        """
                        INSERT INTO %s AS r (%s, execution_count, unpriced_count, input_tokens,
                            output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
                            input_cost, cached_input_cost, cache_write_cost, output_cost, reasoning_cost, total_cost,
                            latency_sum_ms, latency_min_ms, latency_max_ms, latency_hist_buckets, latency_hist_counts)
                        SELECT %s, n, un, it, ot, tt, ct, cw, rt, ic, cic, cwc, oc, rc, tc, ls, lmin, lmax,
                            hb::int[], hc::bigint[]
                        FROM unnest(%s :executions::bigint[], :unpriced::bigint[],
                            :input_tokens::bigint[], :output_tokens::bigint[], :total_tokens::bigint[],
                            :cached_input_tokens::bigint[], :cache_write_tokens::bigint[], :reasoning_tokens::bigint[],
                            :input_cost::numeric[], :cached_input_cost::numeric[], :cache_write_cost::numeric[],
                            :output_cost::numeric[], :reasoning_cost::numeric[], :total_cost::numeric[],
                            :latency_sum::bigint[], :latency_min::bigint[], :latency_max::bigint[],
                            :hist_buckets::text[], :hist_counts::text[])
                            AS u(%s, n, un, it, ot, tt, ct, cw, rt, ic, cic, cwc, oc, rc, tc, ls, lmin, lmax, hb, hc)
                        ON CONFLICT (%s)
                        DO UPDATE SET
                            execution_count = r.execution_count + excluded.execution_count,
                            unpriced_count = r.unpriced_count + excluded.unpriced_count,
                            input_tokens = r.input_tokens + excluded.input_tokens,
                            output_tokens = r.output_tokens + excluded.output_tokens,
                            total_tokens = r.total_tokens + excluded.total_tokens,
                            cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
                            cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
                            reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
                            input_cost = r.input_cost + excluded.input_cost,
                            cached_input_cost = r.cached_input_cost + excluded.cached_input_cost,
                            cache_write_cost = r.cache_write_cost + excluded.cache_write_cost,
                            output_cost = r.output_cost + excluded.output_cost,
                            reasoning_cost = r.reasoning_cost + excluded.reasoning_cost,
                            total_cost = r.total_cost + excluded.total_cost,
                            latency_sum_ms = r.latency_sum_ms + excluded.latency_sum_ms,
                            latency_min_ms = least(r.latency_min_ms, excluded.latency_min_ms),
                            latency_max_ms = greatest(r.latency_max_ms, excluded.latency_max_ms),
                            (latency_hist_buckets, latency_hist_counts) = (SELECT m.buckets, m.counts
                                FROM hist_merge(r.latency_hist_buckets, r.latency_hist_counts,
                                    excluded.latency_hist_buckets, excluded.latency_hist_counts) m)
                        """.formatted(shape.executionTable(), keys, keys, keyArrays(shape, dimensions), keys, keys))
                .param("tenant", column(rows, e -> e.getKey().tenant()))
                .param("bucket_start", column(rows, e -> e.getKey().bucketStart()))
                .param("environment", column(rows, e -> e.getKey().environment()))
                .param("provider", column(rows, e -> e.getKey().provider()))
                .param("model", column(rows, e -> e.getKey().model()))
                .param("status", column(rows, e -> e.getKey().status()))
                .param("error_type", column(rows, e -> e.getKey().errorType()))
                .param("executions", column(rows, e -> e.getValue().executions))
                .param("unpriced", column(rows, e -> e.getValue().unpriced))
                .param("input_tokens", column(rows, e -> e.getValue().inputTokens))
                .param("output_tokens", column(rows, e -> e.getValue().outputTokens))
                .param("total_tokens", column(rows, e -> e.getValue().totalTokens))
                .param("cached_input_tokens", column(rows, e -> e.getValue().cachedInputTokens))
                .param("cache_write_tokens", column(rows, e -> e.getValue().cacheWriteTokens))
                .param("reasoning_tokens", column(rows, e -> e.getValue().reasoningTokens))
                .param("input_cost", column(rows, e -> e.getValue().inputCost))
                .param("cached_input_cost", column(rows, e -> e.getValue().cachedInputCost))
                .param("cache_write_cost", column(rows, e -> e.getValue().cacheWriteCost))
                .param("output_cost", column(rows, e -> e.getValue().outputCost))
                .param("reasoning_cost", column(rows, e -> e.getValue().reasoningCost))
                .param("total_cost", column(rows, e -> e.getValue().totalCost))
                .param("latency_sum", column(rows, e -> e.getValue().latencySum))
                .param("latency_min", column(rows, e -> e.getValue().latencyMin))
                .param("latency_max", column(rows, e -> e.getValue().latencyMax))
                .param(
                        "hist_buckets",
                        column(rows, e -> arrayLiteral(e.getValue().latency.buckets())))
                .param(
                        "hist_counts",
                        column(rows, e -> arrayLiteral(e.getValue().latency.counts())));
        if (shape.byPrompt()) {
            statement = statement
                    .param("prompt_slug", column(rows, e -> e.getKey().promptSlug()))
                    .param("prompt_version", column(rows, e -> e.getKey().promptVersion()));
        }
        statement.update();
    }

    private static String arrayLiteral(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private static String arrayLiteral(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(",", "{", "}"));
    }

    // ----------------------------------------------------------------------------------------------

    /** See {@link TextArrays}. */
    private <T> Array column(List<T> rows, Function<T, ?> value) {
        return TextArrays.column(dataSource, rows, value);
    }
}
