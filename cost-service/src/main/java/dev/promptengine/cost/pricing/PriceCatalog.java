package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Caller;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The catalog in PostgreSQL. Every change writes its outbox record in the same transaction. Rules
 * that need no other row are checked here (so the error names the field); overlapping ranges for
 * the same provider and model are rejected by the database's exclusion constraint.
 */
@Service
class PriceCatalog {

    /** Prices keep at most 12 fractional digits per 1M tokens, so a cost keeps every digit in decimal(38,18). */
    static final int MAX_PRICE_SCALE = 12;

    private static final String COLUMNS = """
            id, provider, model, match_pattern, input_per_1m, output_per_1m, cached_input_per_1m,
            cache_write_per_1m, reasoning_per_1m, long_context_threshold, long_context_input_per_1m,
            long_context_output_per_1m, effective_from, effective_until, source, updated_at, tenant, version""";

    /** Who the default catalog's own loads are recorded as in the history. */
    static final String DEFAULT_CATALOG_ACTOR = "default-catalog";

    private static final String SYSTEM_ROLE = "system";

    private final JdbcClient jdbc;
    private final PricingOutbox outbox;
    private final PriceAudit audit;
    private final PriceVersionRepository versions;
    private final JsonMapper json;
    private final Clock clock;

    PriceCatalog(
            JdbcClient jdbc,
            PricingOutbox outbox,
            PriceAudit audit,
            PriceVersionRepository versions,
            JsonMapper json,
            Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.audit = audit;
        this.versions = versions;
        this.json = json;
        this.clock = clock;
    }

    /**
     * One page of rows: the default catalog plus the rows of {@code tenant}; every row of every
     * layer when {@code tenant} is null (the platform admin's unfiltered view).
     */
    List<Price> list(String provider, String model, Instant at, String tenant, int limit, int offset) {
        return jdbc.sql("SELECT " + COLUMNS + """
                         FROM prices
                        WHERE (CAST(:tenant AS text) IS NULL OR tenant IS NULL OR tenant = :tenant)
                          AND (CAST(:provider AS text) IS NULL OR lower(provider) = lower(:provider))
                          AND (CAST(:model AS text) IS NULL OR lower(model) = lower(:model))
                          AND (CAST(:at AS timestamptz) IS NULL
                               OR (effective_from <= :at AND (effective_until IS NULL OR effective_until > :at)))
                        ORDER BY provider, model, tenant NULLS FIRST, effective_from, id
                        LIMIT :limit OFFSET :offset
                        """)
                .param("tenant", tenant)
                .param("provider", provider)
                .param("model", model)
                .param("at", at == null ? null : Timestamp.from(at))
                .param("limit", limit)
                .param("offset", offset)
                .query(PriceCatalog::price)
                .list();
    }

    Optional<Price> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM prices WHERE id = :id")
                .param("id", id)
                .query(PriceCatalog::price)
                .optional();
    }

    /** Creates a row in the caller's layer (a tenant admin: its tenant; a platform admin: {@code tenant} or the default). */
    @Transactional
    public Price create(PriceRequest request, Caller caller) {
        validate(request);
        String tenant = Layers.tenantForChange(caller, blankToNull(request.tenant()));
        var price = toPrice(UUID.randomUUID(), request, clock.instant(), tenant, 1);
        insert(price);
        outbox.upserted(price);
        audit.record(caller, "create", price.id(), null, price, request.reason());
        recordVersion(price.id(), PriceVersion.CREATE, price, caller, request.reason());
        return price;
    }

    /** Replaces a row the caller may change; empty when it does not exist for the caller. */
    @Transactional
    public Optional<Price> replace(UUID id, PriceRequest request, Caller caller) {
        validate(request);
        var existing = find(id).filter(price -> Layers.visible(price.tenant(), caller));
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        Layers.checkMayChange(existing.get().tenant(), caller);
        String requested = Layers.tenantForChange(caller, blankToNull(request.tenant()));
        if (request.tenant() != null
                && !java.util.Objects.equals(requested, existing.get().tenant())) {
            throw new InvalidPriceException(
                    "tenant", "a row stays in its layer; create the price in the other layer instead");
        }
        var price = toPrice(
                id,
                request,
                clock.instant(),
                existing.get().tenant(),
                existing.get().version() + 1);
        jdbc.sql("""
                        UPDATE prices SET provider = :provider, model = :model, match_pattern = :matchPattern,
                               input_per_1m = :input, output_per_1m = :output, cached_input_per_1m = :cached,
                               cache_write_per_1m = :cacheWrite, reasoning_per_1m = :reasoning,
                               long_context_threshold = :threshold, long_context_input_per_1m = :longInput,
                               long_context_output_per_1m = :longOutput, effective_from = :from,
                               effective_until = :until, source = :source, user_edited = true, updated_at = :updatedAt,
                               version = :version
                         WHERE id = :id
                        """).params(parameters(price)).update();
        if (!PricingEvents.key(existing.get()).equals(PricingEvents.key(price))) {
            outbox.deleted(existing.get()); // the topic key changed: retract the old record
        }
        outbox.upserted(price);
        audit.record(caller, "replace", id, existing.get(), price, request.reason());
        recordVersion(id, PriceVersion.UPDATE, price, caller, request.reason());
        return Optional.of(price);
    }

    /** Deletes a row the caller may change; false when it does not exist for the caller. Its history stays. */
    @Transactional
    public boolean delete(UUID id, String reason, Caller caller) {
        var existing = find(id).filter(price -> Layers.visible(price.tenant(), caller));
        if (existing.isEmpty()) {
            return false;
        }
        var price = existing.get();
        Layers.checkMayChange(price.tenant(), caller);
        jdbc.sql("DELETE FROM prices WHERE id = :id").param("id", id).update();
        outbox.deleted(price);
        audit.record(caller, "delete", id, price, null, reason);
        recordVersion(id, PriceVersion.DELETE, price.withVersion(price.version() + 1), caller, reason);
        return true;
    }

    /** Every version of a row, oldest first; empty when the id never existed (or is another tenant's). */
    List<PriceVersion> history(UUID id, Caller caller) {
        var all = versions.findByPriceIdOrderByVersionAsc(id);
        if (all.isEmpty() || !Layers.visible(all.get(0).tenant(), caller)) {
            return List.of();
        }
        return all;
    }

    /**
     * The catalog as it was recorded at {@code knownAt}: the last version of each row recorded at or
     * before it, deleted rows left out.
     */
    List<Price> asKnownAt(Instant knownAt) {
        return jdbc.sql("""
                        SELECT row_after::text FROM (
                            SELECT DISTINCT ON (price_id) price_id, action, row_after
                              FROM price_versions
                             WHERE recorded_at <= :knownAt
                             ORDER BY price_id, version DESC) latest
                         WHERE action <> 'delete'
                        """).param("knownAt", Timestamp.from(knownAt)).query(String.class).list().stream()
                .map(row -> json.readValue(row, Price.class))
                .toList();
    }

    private void recordVersion(UUID id, String action, Price price, Caller caller, String reason) {
        recordVersion(
                id,
                action,
                price,
                caller.keyName(),
                caller.role().name().toLowerCase(java.util.Locale.ROOT),
                blankToNull(reason));
    }

    private void recordVersion(UUID id, String action, Price price, String by, String role, String reason) {
        var row = PriceVersion.DELETE.equals(action) ? null : new JsonDocument(json.writeValueAsString(price));
        versions.save(new PriceVersion(
                null, id, price.version(), price.tenant(), action, row, clock.instant(), by, role, reason));
    }

    /** Inserts unless it would overlap an existing row; answers whether it did. For the default catalog. */
    @Transactional
    public boolean insertIfNoOverlap(Price price, String defaultKey) {
        int inserted = jdbc.sql("INSERT INTO prices (" + COLUMNS + ", default_key, created_at) VALUES (" + VALUES
                        + ", :defaultKey, :updatedAt) ON CONFLICT DO NOTHING")
                .params(parameters(price))
                .param("defaultKey", defaultKey)
                .update();
        if (inserted == 1) {
            outbox.upserted(price);
            recordVersion(
                    price.id(), PriceVersion.CREATE, price, DEFAULT_CATALOG_ACTOR, SYSTEM_ROLE, "default catalog");
        }
        return inserted == 1;
    }

    /** Replaces a default row with a newer version of the default catalog unless a user edited it. */
    @Transactional
    public boolean updateDefaultUnlessEdited(String defaultKey, Price price) {
        var current = jdbc.sql("SELECT " + COLUMNS + " FROM prices WHERE default_key = :key AND NOT user_edited")
                .param("key", defaultKey)
                .query(PriceCatalog::price)
                .optional();
        if (current.isEmpty()) {
            return false;
        }
        var updated = new Price(
                current.get().id(),
                price.provider(),
                price.model(),
                price.matchPattern(),
                price.inputPer1m(),
                price.outputPer1m(),
                price.cachedInputPer1m(),
                price.cacheWritePer1m(),
                price.reasoningPer1m(),
                price.longContextThreshold(),
                price.longContextInputPer1m(),
                price.longContextOutputPer1m(),
                price.effectiveFrom(),
                price.effectiveUntil(),
                price.source(),
                price.updatedAt(),
                null,
                current.get().version() + 1);
        jdbc.sql("""
                        UPDATE prices SET match_pattern = :matchPattern, input_per_1m = :input, output_per_1m = :output,
                               cached_input_per_1m = :cached, cache_write_per_1m = :cacheWrite,
                               reasoning_per_1m = :reasoning, long_context_threshold = :threshold,
                               long_context_input_per_1m = :longInput, long_context_output_per_1m = :longOutput,
                               effective_until = :until, source = :source, updated_at = :updatedAt,
                               version = :version
                         WHERE id = :id
                        """).params(parameters(updated)).update();
        outbox.upserted(updated);
        recordVersion(
                updated.id(),
                PriceVersion.UPDATE,
                updated,
                DEFAULT_CATALOG_ACTOR,
                SYSTEM_ROLE,
                "default catalog update");
        return true;
    }

    private static final String VALUES = """
            :id, :provider, :model, :matchPattern, :input, :output, :cached, :cacheWrite, :reasoning, :threshold,
            :longInput, :longOutput, :from, :until, :source, :updatedAt, :tenant, :version""";

    private void insert(Price price) {
        jdbc.sql("INSERT INTO prices (" + COLUMNS + ", created_at) VALUES (" + VALUES + ", :updatedAt)")
                .params(parameters(price))
                .update();
    }

    private static java.util.Map<String, Object> parameters(Price price) {
        var parameters = new java.util.HashMap<String, Object>();
        parameters.put("id", price.id());
        parameters.put("provider", price.provider());
        parameters.put("model", price.model());
        parameters.put("matchPattern", price.matchPattern());
        parameters.put("input", price.inputPer1m());
        parameters.put("output", price.outputPer1m());
        parameters.put("cached", price.cachedInputPer1m());
        parameters.put("cacheWrite", price.cacheWritePer1m());
        parameters.put("reasoning", price.reasoningPer1m());
        parameters.put("threshold", price.longContextThreshold());
        parameters.put("longInput", price.longContextInputPer1m());
        parameters.put("longOutput", price.longContextOutputPer1m());
        parameters.put("from", Timestamp.from(price.effectiveFrom()));
        parameters.put("until", price.effectiveUntil() == null ? null : Timestamp.from(price.effectiveUntil()));
        parameters.put("source", price.source());
        parameters.put("updatedAt", Timestamp.from(price.updatedAt()));
        parameters.put("tenant", price.tenant());
        parameters.put("version", price.version());
        return parameters;
    }

    static Price toPrice(UUID id, PriceRequest request, Instant now) {
        return toPrice(id, request, now, null, 1);
    }

    static Price toPrice(UUID id, PriceRequest request, Instant now, String tenant, int version) {
        return new Price(
                id,
                request.provider().trim(),
                request.model().trim(),
                blankToNull(request.matchPattern()),
                request.inputPer1m(),
                request.outputPer1m(),
                request.cachedInputPer1m(),
                request.cacheWritePer1m(),
                request.reasoningPer1m(),
                request.longContextThreshold(),
                request.longContextInputPer1m(),
                request.longContextOutputPer1m(),
                request.effectiveFrom(),
                request.effectiveUntil(),
                blankToNull(request.source()),
                now,
                tenant,
                version);
    }

    /** The rules a single row must satisfy; overlap with other rows is the database's job. */
    static void validate(PriceRequest request) {
        if (request.effectiveUntil() != null && !request.effectiveFrom().isBefore(request.effectiveUntil())) {
            throw new InvalidPriceException("effective_until", "must be after effective_from");
        }
        if (request.matchPattern() != null && !request.matchPattern().isBlank()) {
            String problem = MatchPatterns.problem(request.matchPattern());
            if (problem != null) {
                throw new InvalidPriceException("match_pattern", problem);
            }
        }
        if (request.longContextThreshold() == null
                && (request.longContextInputPer1m() != null || request.longContextOutputPer1m() != null)) {
            throw new InvalidPriceException("long_context_threshold", "is required when long-context prices are given");
        }
        checkScale("input_per_1m", request.inputPer1m());
        checkScale("output_per_1m", request.outputPer1m());
        checkScale("cached_input_per_1m", request.cachedInputPer1m());
        checkScale("cache_write_per_1m", request.cacheWritePer1m());
        checkScale("reasoning_per_1m", request.reasoningPer1m());
        checkScale("long_context_input_per_1m", request.longContextInputPer1m());
        checkScale("long_context_output_per_1m", request.longContextOutputPer1m());
    }

    private static void checkScale(String field, BigDecimal price) {
        if (price != null && price.stripTrailingZeros().scale() > MAX_PRICE_SCALE) {
            throw new InvalidPriceException(field, "has more than " + MAX_PRICE_SCALE + " fractional digits");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static Price price(ResultSet rs, int row) throws SQLException {
        return new Price(
                rs.getObject("id", UUID.class),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getString("match_pattern"),
                plain(rs.getBigDecimal("input_per_1m")),
                plain(rs.getBigDecimal("output_per_1m")),
                plain(rs.getBigDecimal("cached_input_per_1m")),
                plain(rs.getBigDecimal("cache_write_per_1m")),
                plain(rs.getBigDecimal("reasoning_per_1m")),
                rs.getObject("long_context_threshold", Long.class),
                plain(rs.getBigDecimal("long_context_input_per_1m")),
                plain(rs.getBigDecimal("long_context_output_per_1m")),
                rs.getTimestamp("effective_from").toInstant(),
                rs.getTimestamp("effective_until") == null
                        ? null
                        : rs.getTimestamp("effective_until").toInstant(),
                rs.getString("source"),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getString("tenant"),
                rs.getInt("version"));
    }

    private static BigDecimal plain(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        var stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
