package dev.promptengine.analytics.repricing;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.deadletter.Acknowledgements;
import dev.promptengine.events.CostCorrection;
import dev.promptengine.events.CostSource;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Money;
import dev.promptengine.service.auth.Caller;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one re-pricing: reads the stored executions of the scope in event-time order, a chunk at a
 * time, has cost-service quote each chunk, sums the difference of every execution whose cost changes
 * and, unless it is a dry run, publishes one correction per such execution (revision = stored revision
 * + 1) and waits for the broker to acknowledge each chunk before reading the next. Nothing in the
 * database changes here except the run's own row: the corrections reach raw facts and rollups through
 * the write path, like every other event. A run that dies half-way can simply be run again: what was
 * applied costs the new price already and is not changed again, a correction published twice is
 * applied once.
 */
@Component
class Repricer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a run found (and, applied, published). */
    record Result(RepricingRun run, RepricingDiff diff) {}

    private final JdbcClient jdbc;
    private final PriceQuotes quotes;
    private final RepricingRunRepository runs;
    private final KafkaTemplate<String, byte[]> kafka;
    private final AuditTrail audit;
    private final RepricingProperties properties;
    private final AnalyticsProperties analytics;
    private final Clock clock;
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();

    Repricer(
            JdbcClient jdbc,
            PriceQuotes quotes,
            RepricingRunRepository runs,
            KafkaTemplate<String, byte[]> kafka,
            AuditTrail audit,
            RepricingProperties properties,
            AnalyticsProperties analytics,
            Clock clock) {
        this.jdbc = jdbc;
        this.quotes = quotes;
        this.runs = runs;
        this.kafka = kafka;
        this.audit = audit;
        this.properties = properties;
        this.analytics = analytics;
        this.clock = clock;
    }

    Result run(Caller caller, String authorization, Scope scope, boolean dryRun) {
        var id = UUID.randomUUID();
        var started = clock.instant();
        String scopeJson = JSON.writeValueAsString(describe(scope));
        runs.save(new RepricingRun(
                id,
                scope.tenant(),
                caller.keyName(),
                caller.role().name().toLowerCase(Locale.ROOT),
                scopeJson,
                dryRun,
                "running",
                0,
                0,
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                0,
                0,
                null,
                null,
                null,
                started,
                null,
                null,
                null));
        var diff = new RepricingDiff();
        long published = 0;
        Instant catalogAsOf = null;
        try {
            Cursor after = null;
            while (true) {
                List<StoredCost> chunk = read(scope, after);
                if (chunk.isEmpty()) {
                    break;
                }
                diff.inScope(chunk.size());
                var response = quotes.quote(
                        authorization, chunk.stream().map(Repricer::item).toList());
                catalogAsOf = response.catalogAsOf();
                var corrections = new ArrayList<ProducerRecord<String, byte[]>>();
                for (int i = 0; i < chunk.size(); i++) {
                    StoredCost stored = chunk.get(i);
                    PriceQuotes.Quote quote = response.costs().get(i);
                    if (!stored.id().equals(quote.id())) {
                        throw new PriceQuotes.QuoteFailedException(
                                502, "cost-service answered the quotes out of order", null);
                    }
                    if (stored.changedBy(quote)) {
                        diff.changed(stored, quote);
                        if (!dryRun) {
                            corrections.add(correction(id, caller, stored, quote));
                        }
                    }
                }
                if (!corrections.isEmpty()) {
                    Acknowledgements.sendAll(kafka, corrections, "the cost corrections");
                    published += corrections.size();
                }
                StoredCost last = chunk.get(chunk.size() - 1);
                after = new Cursor(last.occurredAt(), last.tenant(), last.id());
                if (chunk.size() < properties.chunk()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            finish(id, "failed", diff, published, catalogAsOf, e.getMessage());
            audit(caller, scope, dryRun, id, diff, published, "failed");
            throw e;
        }
        String status = dryRun ? "planned" : "published";
        finish(id, status, diff, published, catalogAsOf, null);
        audit(caller, scope, dryRun, id, diff, published, status);
        return new Result(runs.findById(id).orElseThrow(), diff);
    }

    private record Cursor(Instant occurredAt, String tenant, UUID id) {}

    private static final String READ = """
            SELECT tenant, id, occurred_at, usage_id, prompt_slug, prompt_version, provider, model, input_tokens,
                   output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, provider_cost,
                   cost_revision, pricing_status, price_id, price_version, price_layer, matched_rule, discount_id,
                   discount_percent, cost_source, input_cost, cached_input_cost, cache_write_cost, output_cost,
                   reasoning_cost, total_cost, catalog_cost, long_context_applied, priced_at
            FROM execution_fact
            WHERE occurred_at >= :from AND occurred_at < :to""";

    private List<StoredCost> read(Scope scope, Cursor after) {
        var sql = new StringBuilder(READ);
        var params = new LinkedHashMap<String, Object>();
        params.put("from", utc(scope.from()));
        params.put("to", utc(scope.to()));
        if (scope.tenant() != null) {
            sql.append(" AND tenant = :tenant");
            params.put("tenant", scope.tenant());
        }
        if (scope.provider() != null) {
            sql.append(" AND provider = :provider");
            params.put("provider", scope.provider());
        }
        if (scope.model() != null) {
            sql.append(" AND model = :model");
            params.put("model", scope.model());
        }
        if (scope.prompt() != null) {
            sql.append(" AND prompt_slug = :prompt");
            params.put("prompt", scope.prompt());
        }
        if (scope.onlyUnpriced()) {
            sql.append(" AND pricing_status <> 'priced'");
        }
        if (after != null) {
            sql.append(" AND (occurred_at, tenant, id) > (:afterTime, :afterTenant, :afterId)");
            params.put("afterTime", utc(after.occurredAt()));
            params.put("afterTenant", after.tenant());
            params.put("afterId", after.id());
        }
        sql.append(" ORDER BY occurred_at, tenant, id LIMIT :limit");
        params.put("limit", properties.chunk());
        return jdbc.sql(sql.toString()).params(params).query(Repricer::stored).list();
    }

    private static StoredCost stored(ResultSet rs, int row) throws SQLException {
        return new StoredCost(
                rs.getString("tenant"),
                rs.getObject("id", UUID.class),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getObject("usage_id", UUID.class),
                rs.getString("prompt_slug"),
                rs.getInt("prompt_version"),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getLong("input_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("cached_input_tokens"),
                rs.getLong("cache_write_tokens"),
                rs.getLong("reasoning_tokens"),
                rs.getBigDecimal("provider_cost"),
                rs.getInt("cost_revision"),
                rs.getString("pricing_status"),
                rs.getObject("price_id", UUID.class),
                (Integer) rs.getObject("price_version"),
                rs.getString("price_layer"),
                rs.getString("matched_rule"),
                rs.getObject("discount_id", UUID.class),
                rs.getBigDecimal("discount_percent"),
                rs.getString("cost_source"),
                rs.getBigDecimal("input_cost"),
                rs.getBigDecimal("cached_input_cost"),
                rs.getBigDecimal("cache_write_cost"),
                rs.getBigDecimal("output_cost"),
                rs.getBigDecimal("reasoning_cost"),
                rs.getBigDecimal("total_cost"),
                rs.getBigDecimal("catalog_cost"),
                rs.getBoolean("long_context_applied"),
                instant(rs, "priced_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static PriceQuotes.Item item(StoredCost s) {
        return new PriceQuotes.Item(
                s.id(),
                s.tenant(),
                s.provider(),
                s.model(),
                s.occurredAt(),
                s.inputTokens(),
                s.outputTokens(),
                s.cachedInputTokens(),
                s.cacheWriteTokens(),
                s.reasoningTokens(),
                s.reportedCost() == null ? null : s.reportedCost().toPlainString());
    }

    private ProducerRecord<String, byte[]> correction(
            UUID repricing, Caller caller, StoredCost stored, PriceQuotes.Quote quote) {
        int revision = stored.revision() + 1;
        var event = CostCorrection.newBuilder()
                .setId(UUID.randomUUID())
                .setRepricingId(repricing)
                .setExecutionId(stored.id())
                .setUsageId(stored.usageId())
                .setTenant(stored.tenant())
                .setOccurredAt(stored.occurredAt())
                .setPromptSlug(stored.promptSlug())
                .setPromptVersion(stored.promptVersion())
                .setProvider(stored.provider())
                .setModel(stored.model())
                .setRevision(revision)
                .setPreviousCost(previous(stored))
                .setCost(next(quote, revision))
                .setCorrectedAt(clock.instant())
                .setCorrectedBy(caller.keyName())
                .build();
        return new ProducerRecord<>(
                analytics.topics().costCorrection(),
                stored.usageId().toString(),
                serializer.serialize(analytics.topics().costCorrection(), event));
    }

    private static ExecutionCost previous(StoredCost s) {
        return ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.valueOf(s.pricingStatus().toUpperCase(Locale.ROOT)))
                .setPriceId(s.priceId())
                .setPriceVersion(s.priceVersion())
                .setPriceLayer(s.priceLayer())
                .setMatchedRule(s.matchedRule())
                .setDiscountId(s.discountId())
                .setDiscountPercent(scaled(s.discountPercent()))
                .setCostSource(CostSource.valueOf(s.costSource().toUpperCase(Locale.ROOT)))
                .setInputCost(scaled(s.inputCost()))
                .setCachedInputCost(scaled(s.cachedInputCost()))
                .setCacheWriteCost(scaled(s.cacheWriteCost()))
                .setOutputCost(scaled(s.outputCost()))
                .setReasoningCost(scaled(s.reasoningCost()))
                .setTotalCost(scaled(s.totalCost()))
                .setCatalogCost(scaled(s.catalogCost()))
                .setProviderCost(scaled(s.reportedCost()))
                .setLongContextApplied(s.longContextApplied())
                .setPricedAt(s.pricedAt())
                .setRevision(s.revision())
                .build();
    }

    private ExecutionCost next(PriceQuotes.Quote q, int revision) {
        String source = StoredCost.source(q).toUpperCase(Locale.ROOT);
        return ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.valueOf(q.pricingStatus().toUpperCase(Locale.ROOT)))
                .setPriceId(q.priceId())
                .setPriceVersion(q.priceVersion())
                .setPriceLayer(q.priceLayer())
                .setMatchedRule(q.matchedRule())
                .setDiscountId(q.discountId())
                .setDiscountPercent(scaled(q.discountPercent()))
                .setCostSource(CostSource.valueOf(source))
                .setInputCost(scaled(q.inputCost()))
                .setCachedInputCost(scaled(q.cachedInputCost()))
                .setCacheWriteCost(scaled(q.cacheWriteCost()))
                .setOutputCost(scaled(q.outputCost()))
                .setReasoningCost(scaled(q.reasoningCost()))
                .setTotalCost(scaled(q.totalCost()))
                .setCatalogCost(scaled(q.catalogCost()))
                .setProviderCost(scaled(q.providerCost()))
                .setLongContextApplied(q.longContextApplied())
                .setPricedAt(clock.instant())
                .setRevision(revision)
                .build();
    }

    private static BigDecimal scaled(BigDecimal amount) {
        return amount == null ? null : Money.toEventScale(amount);
    }

    private void finish(UUID id, String status, RepricingDiff diff, long published, Instant asOf, String error) {
        var breakdowns = new LinkedHashMap<String, Object>();
        breakdowns.put("by_model", diff.byModel());
        breakdowns.put("by_prompt", diff.byPrompt());
        breakdowns.put("by_day", diff.byDay());
        jdbc.sql("""
                        UPDATE repricing_run SET status = :status, executions_in_scope = :inScope,
                            executions_affected = :affected, old_total_cost = :before, new_total_cost = :after,
                            corrections_published = :published, catalog_as_of = :asOf, diff = :diff, error = :error,
                            finished_at = :finished
                        WHERE id = :id
                        """)
                .param("status", status)
                .param("inScope", diff.executionsInScope())
                .param("affected", diff.executionsAffected())
                .param("before", diff.oldTotal())
                .param("after", diff.newTotal())
                .param("published", published)
                .param("asOf", asOf == null ? null : utc(asOf))
                .param("diff", JSON.writeValueAsString(breakdowns))
                .param("error", error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error)
                .param("finished", utc(clock.instant()))
                .param("id", id)
                .update();
    }

    private void audit(
            Caller caller, Scope scope, boolean dryRun, UUID id, RepricingDiff diff, long published, String status) {
        var details = describe(scope);
        details.put("dry_run", dryRun);
        details.put("repricing_id", id.toString());
        details.put("status", status);
        details.put("executions_affected", diff.executionsAffected());
        details.put("corrections_published", published);
        details.put("old_total_cost", diff.oldTotal().toPlainString());
        details.put("new_total_cost", diff.newTotal().toPlainString());
        String tenant = scope.tenant() != null ? scope.tenant() : caller.tenant();
        audit.record(caller, tenant, "POST /v1/repricing", details, diff.executionsAffected());
    }

    static Map<String, Object> describe(Scope scope) {
        var map = new LinkedHashMap<String, Object>();
        map.put("from", scope.from().toString());
        map.put("to", scope.to().toString());
        map.put("tenant", scope.tenant());
        map.put("provider", scope.provider());
        map.put("model", scope.model());
        map.put("prompt", scope.prompt());
        map.put("only_unpriced", scope.onlyUnpriced());
        return map;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
