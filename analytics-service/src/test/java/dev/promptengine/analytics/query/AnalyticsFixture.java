package dev.promptengine.analytics.query;

import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.analytics.rebuild.RollupRebuilder;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes raw facts as the documented schema stores them (docs/analytics-storage.md), into partitions
 * made by the write side's {@link PartitionManager}, and derives the rollups from them with the write
 * side's {@link RollupRebuilder}, so every rollup row is consistent with the facts.
 */
public final class AnalyticsFixture {

    static final double GAMMA = 1.02 / 0.98;

    public record Execution(
            String tenant,
            UUID id,
            UUID usageId,
            Instant occurredAt,
            String slug,
            int version,
            String environment,
            String provider,
            String model,
            String status,
            String errorType,
            String errorMessage,
            long inputTokens,
            long outputTokens,
            long latencyMs,
            BigDecimal cost,
            String user,
            String session) {}

    public record Usage(
            String tenant,
            UUID id,
            Instant occurredAt,
            String slug,
            int version,
            String environment,
            String user,
            String session) {}

    private final JdbcClient jdbc;
    private final PartitionManager partitions;
    private final RollupRebuilder rebuilder;

    public AnalyticsFixture(JdbcClient jdbc, PartitionManager partitions, RollupRebuilder rebuilder) {
        this.jdbc = jdbc;
        this.partitions = partitions;
        this.rebuilder = rebuilder;
    }

    /** The histogram bucket of a latency (the documented DDSketch mapping). */
    public static int bucketOf(long latencyMs) {
        return latencyMs <= 0 ? 0 : (int) Math.ceil(Math.log(latencyMs) / Math.log(GAMMA)) + 1;
    }

    /** Raw partitions for the day of {@code at} (and rollup partitions for its month). */
    public void ensurePartitions(Instant at) {
        partitions.ensureRawDays(List.of(at));
    }

    public void insert(Execution e) {
        partitions.ensureRawDays(List.of(e.occurredAt()));
        boolean priced = e.cost() != null;
        jdbc.sql("""
                        INSERT INTO execution_fact (tenant, id, occurred_at, usage_id, received_at, prompt_slug,
                            prompt_version, environment, session_id, user_identifier, provider, model, temperature,
                            max_tokens, input_tokens, output_tokens, total_tokens, cached_input_tokens,
                            cache_write_tokens, reasoning_tokens, execution_time_ms, latency_bucket, status,
                            error_type, error_message, response_metadata, capture_mode, pricing_status, price_id,
                            matched_rule, currency, input_cost, cached_input_cost, cache_write_cost, output_cost,
                            reasoning_cost, total_cost, long_context_applied, priced_at, has_content)
                        VALUES (:tenant, :id, :at, :usageId, :at, :slug, :version, :environment, :session, :user,
                            :provider, :model, 0.7, 1024, :in, :out, :in + :out, 0, 0, 0, :latency, :bucket, :status,
                            :errorType, :errorMessage, '{"finish_reason":"stop"}', 'full', :pricingStatus, NULL,
                            :rule, 'USD', :inputCost, :zero, :zero, :outputCost, :zero, :cost, false, :pricedAt, true)
                        """)
                .param("tenant", e.tenant())
                .param("id", e.id())
                .param("at", e.occurredAt().atOffset(ZoneOffset.UTC))
                .param("usageId", e.usageId())
                .param("slug", e.slug())
                .param("version", e.version())
                .param("environment", e.environment())
                .param("session", e.session())
                .param("user", e.user())
                .param("provider", e.provider())
                .param("model", e.model())
                .param("in", e.inputTokens())
                .param("out", e.outputTokens())
                .param("latency", e.latencyMs())
                .param("bucket", bucketOf(e.latencyMs()))
                .param("status", e.status())
                .param("errorType", e.errorType())
                .param("errorMessage", e.errorMessage())
                .param("pricingStatus", priced ? "priced" : "unpriced")
                .param("rule", priced ? "exact" : null)
                .param("inputCost", priced ? e.cost() : null)
                .param("outputCost", priced ? BigDecimal.ZERO : null)
                .param("zero", priced ? BigDecimal.ZERO : null)
                .param("cost", e.cost())
                .param("pricedAt", priced ? e.occurredAt().atOffset(ZoneOffset.UTC) : null)
                .update();
        jdbc.sql("""
                        INSERT INTO execution_content (tenant, id, occurred_at, messages, response_content)
                        VALUES (:tenant, :id, :at, CAST(:messages AS jsonb), :response)
                        """)
                .param("tenant", e.tenant())
                .param("id", e.id())
                .param("at", e.occurredAt().atOffset(ZoneOffset.UTC))
                .param("messages", "[{\"role\":\"user\",\"content\":\"Summarize ticket " + e.id() + "\"}]")
                .param("response", "success".equals(e.status()) ? "A summary." : null)
                .update();
    }

    public void insert(Usage u) {
        partitions.ensureRawDays(List.of(u.occurredAt()));
        jdbc.sql("""
                        INSERT INTO usage_fact (tenant, id, occurred_at, received_at, prompt_id, prompt_slug,
                            prompt_version, environment, session_id, user_identifier, parameters, metadata,
                            capture_mode, has_content)
                        VALUES (:tenant, :id, :at, :at, 'prompt-' || :slug, :slug, :version, :environment, :session,
                            :user, '{"ticket":"T-1"}', '{"app":"helpdesk"}', 'full', true)
                        """)
                .param("tenant", u.tenant())
                .param("id", u.id())
                .param("at", u.occurredAt().atOffset(ZoneOffset.UTC))
                .param("slug", u.slug())
                .param("version", u.version())
                .param("environment", u.environment())
                .param("session", u.session())
                .param("user", u.user())
                .update();
        jdbc.sql("""
                        INSERT INTO usage_content (tenant, id, occurred_at, rendered_content, rendered_system_message)
                        VALUES (:tenant, :id, :at, 'Summarize ticket T-1', 'You are a helpful assistant.')
                        """)
                .param("tenant", u.tenant())
                .param("id", u.id())
                .param("at", u.occurredAt().atOffset(ZoneOffset.UTC))
                .update();
    }

    /**
     * Recomputes the hourly and daily rollups of the whole days around {@code [from, to)} from the raw
     * facts with the write side's own rebuild (the same SQL the storage engineer runs after a repair).
     */
    public RollupRebuilder.Result rebuildRollups(Instant from, Instant to) {
        return rebuilder.rebuild(from, to);
    }
}
