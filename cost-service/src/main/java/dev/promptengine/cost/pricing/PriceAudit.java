package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Caller;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** The audit trail of catalog and discount changes ({@code price_audit}), written inside each change's transaction. */
@Component
class PriceAudit {

    /** One audited change. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Entry(
            long id,
            Instant occurredAt,
            String keyName,
            String tenant,
            String role,
            String action,
            UUID priceId,
            UUID discountId,
            String reason,
            JsonNode before,
            JsonNode after) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    PriceAudit(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    void record(Caller caller, String action, UUID priceId, Price before, Price after, String reason) {
        insert(caller, action, priceId, null, before, after, reason);
    }

    void recordDiscount(Caller caller, String action, UUID discountId, Discount before, Discount after, String reason) {
        insert(caller, action, null, discountId, before, after, reason);
    }

    private void insert(
            Caller caller, String action, UUID priceId, UUID discountId, Object before, Object after, String reason) {
        jdbc.sql("""
                        INSERT INTO price_audit (occurred_at, key_name, tenant, role, action, price_id, discount_id,
                                                 reason, before, after)
                        VALUES (:at, :key, :tenant, :role, :action, :price, :discount, :reason,
                                CAST(:before AS jsonb), CAST(:after AS jsonb))
                        """)
                .param("at", Timestamp.from(clock.instant()))
                .param("key", caller.keyName())
                .param("tenant", caller.tenant())
                .param("role", caller.role().name().toLowerCase(Locale.ROOT))
                .param("action", action)
                .param("price", priceId)
                .param("discount", discountId)
                .param("reason", reason == null || reason.isBlank() ? null : reason.trim())
                .param("before", before == null ? null : json.writeValueAsString(before))
                .param("after", after == null ? null : json.writeValueAsString(after))
                .update();
    }

    /** Newest first; {@code priceId} and {@code discountId} null for every change. */
    List<Entry> list(UUID priceId, UUID discountId, int limit) {
        return jdbc.sql("""
                        SELECT id, occurred_at, key_name, tenant, role, action, price_id, discount_id, reason,
                               before::text AS before, after::text AS after
                        FROM price_audit
                        WHERE (CAST(:price AS uuid) IS NULL OR price_id = :price)
                          AND (CAST(:discount AS uuid) IS NULL OR discount_id = :discount)
                        ORDER BY id DESC
                        LIMIT :limit
                        """)
                .param("price", priceId)
                .param("discount", discountId)
                .param("limit", limit)
                .query((rs, row) -> new Entry(
                        rs.getLong("id"),
                        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                        rs.getString("key_name"),
                        rs.getString("tenant"),
                        rs.getString("role"),
                        rs.getString("action"),
                        rs.getObject("price_id", UUID.class),
                        rs.getObject("discount_id", UUID.class),
                        rs.getString("reason"),
                        tree(rs.getString("before")),
                        tree(rs.getString("after"))))
                .list();
    }

    /**
     * The discounts as recorded at {@code knownAt}: the last audited state of each discount at or
     * before it, deleted ones left out (every discount change is audited in its transaction).
     */
    List<Discount> discountsAsKnownAt(Instant knownAt) {
        return jdbc.sql("""
                        SELECT after::text FROM (
                            SELECT DISTINCT ON (discount_id) discount_id, after
                              FROM price_audit
                             WHERE discount_id IS NOT NULL AND occurred_at <= :knownAt
                             ORDER BY discount_id, id DESC) latest
                         WHERE after IS NOT NULL
                        """).param("knownAt", Timestamp.from(knownAt)).query(String.class).list().stream()
                .map(row -> json.readValue(row, Discount.class))
                .toList();
    }

    private JsonNode tree(String text) {
        return text == null ? null : json.readTree(text);
    }
}
