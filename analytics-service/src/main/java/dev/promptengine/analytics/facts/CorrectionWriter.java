package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.rollup.RollupShape;
import java.math.BigDecimal;
import java.sql.Array;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Applies cost corrections (re-pricing, docs/pricing.md) inside the batch transaction of {@link
 * FactsWriter}: for each correction whose revision is above the stored {@code cost_revision} of its
 * execution, the raw fact takes the new cost and every execution rollup shape the difference (cost
 * sums, and {@code unpriced_count} when the execution becomes priced or unpriced). Counts, tokens and
 * latencies do not change. A correction at or below the stored revision is a duplicate and changes
 * nothing, so a replayed or twice-delivered correction is harmless on top of the stored offsets.
 */
@Component
class CorrectionWriter {

    private static final Logger log = LoggerFactory.getLogger(CorrectionWriter.class);

    /** What one batch's corrections did; {@code unknown} are corrections of executions that are not stored. */
    record Applied(int applied, int duplicates, List<CostRevision> unknown) {
        static final Applied NONE = new Applied(0, 0, List.of());
    }

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    CorrectionWriter(WritePool pool) {
        this.jdbc = pool.jdbc();
        this.dataSource = pool.dataSource();
    }

    /** A stored execution as a correction needs it: its rollup dimensions, revision and cost. */
    private record Stored(
            FactKey key,
            String promptSlug,
            int promptVersion,
            String environment,
            String provider,
            String model,
            String status,
            String errorType,
            int revision,
            boolean priced,
            BigDecimal[] costs) {}

    /** Applies the corrections (at most one per execution: the caller keeps the highest revision). */
    Applied apply(Collection<CostRevision> corrections) {
        if (corrections.isEmpty()) {
            return Applied.NONE;
        }
        var byKey = new TreeMap<FactKey, CostRevision>(FactKey.ORDER);
        corrections.forEach(c -> byKey.put(c.key(), c));
        Map<FactKey, Stored> stored = lockStored(byKey.keySet());
        var unknown = new ArrayList<CostRevision>();
        var fresh = new ArrayList<CostRevision>();
        int duplicates = 0;
        for (CostRevision c : byKey.values()) {
            Stored s = stored.get(c.key());
            if (s == null) {
                unknown.add(c);
            } else if (c.revision() <= s.revision()) {
                duplicates++;
            } else {
                fresh.add(c);
            }
        }
        if (!fresh.isEmpty()) {
            updateFacts(fresh);
            for (RollupShape shape : RollupShape.values()) {
                updateRollups(shape, fresh, stored);
            }
            countPerRun(fresh);
        }
        return new Applied(fresh.size(), duplicates, List.copyOf(unknown));
    }

    private Map<FactKey, Stored> lockStored(Collection<FactKey> keys) {
        var list = new ArrayList<>(keys);
        var result = new HashMap<FactKey, Stored>();
        jdbc.sql("""
                        SELECT f.tenant, f.id, f.occurred_at, f.prompt_slug, f.prompt_version, f.environment,
                               f.provider, f.model, f.status, f.error_type, f.cost_revision, f.pricing_status,
                               f.input_cost, f.cached_input_cost, f.cache_write_cost, f.output_cost,
                               f.reasoning_cost, f.total_cost
                        FROM execution_fact f
                        JOIN unnest(:tenant::text[], :id::uuid[], :occurred_at::timestamptz[]) AS k(tenant, id, occurred_at)
                          ON f.tenant = k.tenant AND f.id = k.id AND f.occurred_at = k.occurred_at
                        ORDER BY f.tenant, f.id, f.occurred_at
                        FOR UPDATE OF f
                        """)
                .param("tenant", column(list, FactKey::tenant))
                .param("id", column(list, FactKey::id))
                .param("occurred_at", column(list, FactKey::occurredAt))
                .query(rs -> {
                    var key = new FactKey(
                            rs.getString(1),
                            rs.getObject(2, UUID.class),
                            rs.getObject(3, OffsetDateTime.class).toInstant());
                    var costs = new BigDecimal[6];
                    for (int i = 0; i < 6; i++) {
                        costs[i] = rs.getBigDecimal(13 + i);
                    }
                    result.put(
                            key,
                            new Stored(
                                    key,
                                    rs.getString(4),
                                    rs.getInt(5),
                                    rs.getString(6),
                                    rs.getString(7),
                                    rs.getString(8),
                                    rs.getString(9),
                                    rs.getString(10),
                                    rs.getInt(11),
                                    "priced".equals(rs.getString(12)),
                                    costs));
                });
        return result;
    }

    private void updateFacts(List<CostRevision> fresh) {
        jdbc.sql("""
                        UPDATE execution_fact AS f SET
                            cost_revision = u.revision, pricing_status = u.pricing_status, price_id = u.price_id,
                            price_version = u.price_version, price_layer = u.price_layer,
                            matched_rule = u.matched_rule, discount_id = u.discount_id,
                            discount_percent = u.discount_percent, cost_source = u.cost_source,
                            input_cost = u.input_cost, cached_input_cost = u.cached_input_cost,
                            cache_write_cost = u.cache_write_cost, output_cost = u.output_cost,
                            reasoning_cost = u.reasoning_cost, total_cost = u.total_cost,
                            catalog_cost = u.catalog_cost, provider_cost = u.provider_cost,
                            long_context_applied = u.long_context_applied, priced_at = u.priced_at
                        FROM unnest(:tenant::text[], :id::uuid[], :occurred_at::timestamptz[], :revision::int[],
                                    :pricing_status::text[], :price_id::uuid[], :price_version::int[],
                                    :price_layer::text[], :matched_rule::text[], :discount_id::uuid[],
                                    :discount_percent::numeric[], :cost_source::text[], :input_cost::numeric[],
                                    :cached_input_cost::numeric[], :cache_write_cost::numeric[], :output_cost::numeric[],
                                    :reasoning_cost::numeric[], :total_cost::numeric[], :catalog_cost::numeric[],
                                    :provider_cost::numeric[], :long_context_applied::boolean[],
                                    :priced_at::timestamptz[])
                             AS u(tenant, id, occurred_at, revision, pricing_status, price_id, price_version,
                                  price_layer, matched_rule, discount_id, discount_percent, cost_source, input_cost,
                                  cached_input_cost, cache_write_cost, output_cost, reasoning_cost, total_cost,
                                  catalog_cost, provider_cost, long_context_applied, priced_at)
                        WHERE f.tenant = u.tenant AND f.id = u.id AND f.occurred_at = u.occurred_at
                        """)
                .param("tenant", column(fresh, c -> c.key().tenant()))
                .param("id", column(fresh, c -> c.key().id()))
                .param("occurred_at", column(fresh, c -> c.key().occurredAt()))
                .param("revision", column(fresh, CostRevision::revision))
                .param("pricing_status", column(fresh, CostRevision::pricingStatus))
                .param("price_id", column(fresh, CostRevision::priceId))
                .param("price_version", column(fresh, CostRevision::priceVersion))
                .param("price_layer", column(fresh, CostRevision::priceLayer))
                .param("matched_rule", column(fresh, CostRevision::matchedRule))
                .param("discount_id", column(fresh, CostRevision::discountId))
                .param("discount_percent", column(fresh, CostRevision::discountPercent))
                .param("cost_source", column(fresh, CostRevision::costSource))
                .param("input_cost", column(fresh, CostRevision::inputCost))
                .param("cached_input_cost", column(fresh, CostRevision::cachedInputCost))
                .param("cache_write_cost", column(fresh, CostRevision::cacheWriteCost))
                .param("output_cost", column(fresh, CostRevision::outputCost))
                .param("reasoning_cost", column(fresh, CostRevision::reasoningCost))
                .param("total_cost", column(fresh, CostRevision::totalCost))
                .param("catalog_cost", column(fresh, CostRevision::catalogCost))
                .param("provider_cost", column(fresh, CostRevision::providerCost))
                .param("long_context_applied", column(fresh, CostRevision::longContextApplied))
                .param("priced_at", column(fresh, CostRevision::pricedAt))
                .update();
    }

    /** The difference a batch of corrections makes to one rollup row. */
    private static final class Delta {
        long unpriced;
        final BigDecimal[] costs = {
            BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO
        };

        void add(Stored before, CostRevision after) {
            unpriced += (after.priced() ? 0 : 1) - (before.priced() ? 0 : 1);
            BigDecimal[] now = {
                after.inputCost(),
                after.cachedInputCost(),
                after.cacheWriteCost(),
                after.outputCost(),
                after.reasoningCost(),
                after.totalCost()
            };
            for (int i = 0; i < costs.length; i++) {
                costs[i] = costs[i].add(orZero(now[i])).subtract(orZero(before.costs()[i]));
            }
        }

        private static BigDecimal orZero(BigDecimal amount) {
            return amount == null ? BigDecimal.ZERO : amount;
        }
    }

    private void updateRollups(RollupShape shape, List<CostRevision> fresh, Map<FactKey, Stored> stored) {
        var deltas = new TreeMap<Rollups.ExecutionKey, Delta>(Rollups.ExecutionKey.ORDER);
        for (CostRevision c : fresh) {
            Stored s = stored.get(c.key());
            var key = new Rollups.ExecutionKey(
                    s.key().tenant(),
                    shape.grain().bucketStart(s.key().occurredAt()),
                    shape.byPrompt() ? s.promptSlug() : "",
                    shape.byPrompt() ? s.promptVersion() : 0,
                    s.environment(),
                    s.provider(),
                    s.model(),
                    s.status(),
                    s.errorType());
            deltas.computeIfAbsent(key, k -> new Delta()).add(s, c);
        }
        var rows = new ArrayList<>(deltas.entrySet());
        String keys = shape.executionKey();
        String unnest = "unnest(" + RollupWriter.keyArrays(shape.executionDimensions())
                + ":du::bigint[], :dic::numeric[], :dcic::numeric[], :dcwc::numeric[], :doc::numeric[],"
                + " :drc::numeric[], :dtc::numeric[]) AS u(" + keys
                + ", du, dic, dcic, dcwc, doc, drc, dtc)";
        String match = java.util.Arrays.stream(keys.split(", "))
                .map(column -> "r." + column + " = u." + column)
                .collect(java.util.stream.Collectors.joining(" AND "));
        // lock the rows in key order first (as the write path's upserts do), so concurrent batches cannot deadlock
        int locked = bind(
                        jdbc.sql(
                                "SELECT count(*) FROM (SELECT 1 FROM %s AS r JOIN %s ON %s ORDER BY %s FOR UPDATE OF r) l"
                                        .formatted(shape.executionTable(), unnest, match, prefixed(keys))),
                        shape,
                        rows)
                .query(Integer.class)
                .single();
        bind(jdbc.sql("""
                                UPDATE %s AS r SET
                                    unpriced_count = r.unpriced_count + u.du,
                                    input_cost = r.input_cost + u.dic,
                                    cached_input_cost = r.cached_input_cost + u.dcic,
                                    cache_write_cost = r.cache_write_cost + u.dcwc,
                                    output_cost = r.output_cost + u.doc,
                                    reasoning_cost = r.reasoning_cost + u.drc,
                                    total_cost = r.total_cost + u.dtc
                                FROM %s
                                WHERE %s
                                """.formatted(shape.executionTable(), unnest, match)), shape, rows)
                .update();
        if (locked != rows.size()) {
            // the execution is stored but its rollup row is not (its month was dropped by rollup retention)
            log.warn(
                    "{}: {} of {} rollup rows to correct are not stored; their corrections apply to raw facts only",
                    shape.executionTable(),
                    rows.size() - locked,
                    rows.size());
        }
    }

    private static String prefixed(String keys) {
        return String.join(
                ", ",
                java.util.Arrays.stream(keys.split(", ")).map(k -> "r." + k).toList());
    }

    private JdbcClient.StatementSpec bind(
            JdbcClient.StatementSpec statement, RollupShape shape, List<Map.Entry<Rollups.ExecutionKey, Delta>> rows) {
        statement = statement
                .param("tenant", column(rows, e -> e.getKey().tenant()))
                .param("bucket_start", column(rows, e -> e.getKey().bucketStart()))
                .param("environment", column(rows, e -> e.getKey().environment()))
                .param("provider", column(rows, e -> e.getKey().provider()))
                .param("model", column(rows, e -> e.getKey().model()))
                .param("status", column(rows, e -> e.getKey().status()))
                .param("error_type", column(rows, e -> e.getKey().errorType()))
                .param("du", column(rows, e -> e.getValue().unpriced))
                .param("dic", column(rows, e -> e.getValue().costs[0]))
                .param("dcic", column(rows, e -> e.getValue().costs[1]))
                .param("dcwc", column(rows, e -> e.getValue().costs[2]))
                .param("doc", column(rows, e -> e.getValue().costs[3]))
                .param("drc", column(rows, e -> e.getValue().costs[4]))
                .param("dtc", column(rows, e -> e.getValue().costs[5]));
        if (shape.byPrompt()) {
            statement = statement
                    .param("prompt_slug", column(rows, e -> e.getKey().promptSlug()))
                    .param("prompt_version", column(rows, e -> e.getKey().promptVersion()));
        }
        return statement;
    }

    /** Progress of each re-pricing run, in the same transaction (GET /v1/repricing/{id}). */
    private void countPerRun(List<CostRevision> fresh) {
        var perRun = new TreeMap<UUID, Integer>();
        fresh.forEach(c -> perRun.merge(c.repricingId(), 1, Integer::sum));
        perRun.forEach((run, n) -> jdbc.sql("""
                        UPDATE repricing_run SET corrections_applied = corrections_applied + :n, last_applied_at = now()
                        WHERE id = :id
                        """).param("n", n).param("id", run).update());
    }

    private <T> Array column(List<T> rows, Function<T, ?> value) {
        return TextArrays.column(dataSource, rows, value);
    }
}
