package dev.promptengine.analytics.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes raw facts and the rollup rows that the documented schema derives from them
 * (docs/analytics-storage.md): the rollups are rebuilt from the raw rows in SQL, exactly as the
 * write path would have accumulated them, so every rollup row is consistent with the facts.
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

    public AnalyticsFixture(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The histogram bucket of a latency (the documented DDSketch mapping). */
    public static int bucketOf(long latencyMs) {
        return latencyMs <= 0 ? 0 : (int) Math.ceil(Math.log(latencyMs) / Math.log(GAMMA)) + 1;
    }

    public void ensurePartitions(LocalDate day) {
        String d = day.format(DateTimeFormatter.BASIC_ISO_DATE);
        String from = day.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        String to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        for (String table : new String[] {"usage_fact", "usage_content", "execution_fact", "execution_content"}) {
            jdbc.sql("CREATE TABLE IF NOT EXISTS %s_p%s PARTITION OF %s FOR VALUES FROM ('%s') TO ('%s')"
                            .formatted(table, d, table, from, to))
                    .update();
        }
        var month = day.withDayOfMonth(1);
        String m = month.format(DateTimeFormatter.ofPattern("yyyyMM"));
        String mFrom = month.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        String mTo =
                month.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        for (String table : new String[] {
            "execution_rollup_hourly", "execution_rollup_daily", "usage_rollup_hourly", "usage_rollup_daily"
        }) {
            jdbc.sql("CREATE TABLE IF NOT EXISTS %s_p%s PARTITION OF %s FOR VALUES FROM ('%s') TO ('%s')"
                            .formatted(table, m, table, mFrom, mTo))
                    .update();
        }
    }

    public void insert(Execution e) {
        ensurePartitions(LocalDate.ofInstant(e.occurredAt(), ZoneOffset.UTC));
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
        ensurePartitions(LocalDate.ofInstant(u.occurredAt(), ZoneOffset.UTC));
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

    /** Recomputes a tenant's hourly and daily rollups from its raw facts. */
    public void rebuildRollups(String tenant) {
        for (String grain : new String[] {"hour", "day"}) {
            String suffix = grain.equals("hour") ? "hourly" : "daily";
            jdbc.sql("DELETE FROM execution_rollup_" + suffix + " WHERE tenant = :tenant")
                    .param("tenant", tenant)
                    .update();
            jdbc.sql("DELETE FROM usage_rollup_" + suffix + " WHERE tenant = :tenant")
                    .param("tenant", tenant)
                    .update();
            jdbc.sql("""
                            INSERT INTO execution_rollup_%1$s
                            WITH keyed AS (
                                SELECT *, date_trunc('%2$s', occurred_at, 'UTC') AS bucket_start
                                FROM execution_fact WHERE tenant = :tenant
                            ),
                            per_bucket AS (
                                SELECT tenant, bucket_start, prompt_slug, prompt_version, environment, provider, model,
                                       status, error_type, latency_bucket, count(*) AS n
                                FROM keyed
                                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
                            ),
                            hist AS (
                                SELECT tenant, bucket_start, prompt_slug, prompt_version, environment, provider, model,
                                       status, error_type,
                                       array_agg(latency_bucket ORDER BY latency_bucket) AS b,
                                       array_agg(n ORDER BY latency_bucket) AS c
                                FROM per_bucket
                                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
                            )
                            SELECT k.tenant, k.bucket_start, k.prompt_slug, k.prompt_version, k.environment,
                                   k.provider, k.model, k.status, k.error_type,
                                   count(*), count(*) FILTER (WHERE pricing_status <> 'priced'),
                                   sum(input_tokens), sum(output_tokens), sum(total_tokens), sum(cached_input_tokens),
                                   sum(cache_write_tokens), sum(reasoning_tokens),
                                   coalesce(sum(input_cost), 0), coalesce(sum(cached_input_cost), 0),
                                   coalesce(sum(cache_write_cost), 0), coalesce(sum(output_cost), 0),
                                   coalesce(sum(reasoning_cost), 0), coalesce(sum(total_cost), 0),
                                   sum(execution_time_ms), min(execution_time_ms), max(execution_time_ms),
                                   min(h.b), min(h.c)
                            FROM keyed k
                            JOIN hist h USING (tenant, bucket_start, prompt_slug, prompt_version, environment, provider,
                                               model, status, error_type)
                            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
                            """.formatted(suffix, grain)).param("tenant", tenant).update();
            jdbc.sql("""
                            INSERT INTO usage_rollup_%1$s
                            SELECT tenant, date_trunc('%2$s', occurred_at, 'UTC'), prompt_slug, prompt_version,
                                   environment, count(*)
                            FROM usage_fact WHERE tenant = :tenant
                            GROUP BY 1, 2, 3, 4, 5
                            """.formatted(suffix, grain)).param("tenant", tenant).update();
        }
    }
}
