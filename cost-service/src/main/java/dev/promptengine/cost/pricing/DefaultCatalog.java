package dev.promptengine.cost.pricing;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads the shipped default catalog ({@code pricing/default-catalog.json}, derived from the
 * reference price files by {@code cost-service/catalog/generate_default_catalog.py}). Idempotent:
 * each default row is applied once (remembered in {@code default_prices_applied}); a newer version
 * of the file updates a default row only if no user edited it; a row a user deleted is not brought
 * back; a default row that would overlap a user's row is skipped. Instances starting together
 * serialise on an advisory lock.
 */
@Component
class DefaultCatalog {

    static final String RESOURCE = "pricing/default-catalog.json";
    private static final Logger log = LoggerFactory.getLogger(DefaultCatalog.class);
    private static final long LOAD_LOCK = 0x636f737444656661L; // "costDefa"

    record Entry(
            String provider,
            String model,
            String matchPattern,
            @JsonProperty("input_per_1m") BigDecimal inputPer1m,
            @JsonProperty("output_per_1m") BigDecimal outputPer1m,
            @JsonProperty("cached_input_per_1m") BigDecimal cachedInputPer1m,
            @JsonProperty("cache_write_per_1m") BigDecimal cacheWritePer1m,
            @JsonProperty("reasoning_per_1m") BigDecimal reasoningPer1m,
            Long longContextThreshold,
            @JsonProperty("long_context_input_per_1m") BigDecimal longContextInputPer1m,
            @JsonProperty("long_context_output_per_1m") BigDecimal longContextOutputPer1m,
            Instant effectiveFrom,
            Instant effectiveUntil,
            String source) {

        String key() {
            return provider + "/" + model + "/" + effectiveFrom;
        }

        String checksum() {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(toString().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        PriceRequest request() {
            return new PriceRequest(
                    provider,
                    model,
                    matchPattern,
                    inputPer1m,
                    outputPer1m,
                    cachedInputPer1m,
                    cacheWritePer1m,
                    reasoningPer1m,
                    longContextThreshold,
                    longContextInputPer1m,
                    longContextOutputPer1m,
                    effectiveFrom,
                    effectiveUntil,
                    source,
                    null,
                    null);
        }
    }

    record File(String description, List<String> sources, List<Entry> prices) {}

    private final JdbcClient jdbc;
    private final PriceCatalog catalog;
    private final JsonMapper json;
    private final Clock clock;

    DefaultCatalog(JdbcClient jdbc, PriceCatalog catalog, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.json = json;
        this.clock = clock;
    }

    static List<Entry> entries(JsonMapper json) {
        try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
            return json.readValue(in, File.class).prices();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /** Applies the default catalog; answers how many rows it inserted or updated. */
    @Transactional
    public int load() {
        jdbc.sql("SELECT pg_advisory_xact_lock(:lock)")
                .param("lock", LOAD_LOCK)
                .query()
                .singleValue();
        Map<String, String> applied = new HashMap<>();
        jdbc.sql("SELECT default_key, checksum FROM default_prices_applied").query(rs -> {
            applied.put(rs.getString(1), rs.getString(2));
        });
        int changed = 0;
        Instant now = clock.instant();
        for (var entry : entries(json)) {
            PriceCatalog.validate(entry.request());
            var price = PriceCatalog.toPrice(UUID.randomUUID(), entry.request(), now);
            String previous = applied.get(entry.key());
            if (previous == null) {
                if (catalog.insertIfNoOverlap(price, entry.key())) {
                    changed++;
                } else {
                    log.warn("Default price {} overlaps a row in the catalog; keeping the catalog's", entry.key());
                }
                remember(entry, now, false);
            } else if (!previous.equals(entry.checksum())) {
                if (catalog.updateDefaultUnlessEdited(entry.key(), price)) {
                    changed++;
                }
                remember(entry, now, true);
            }
        }
        log.info("Default catalog: {} row(s) inserted or updated", changed);
        return changed;
    }

    private void remember(Entry entry, Instant now, boolean update) {
        String sql = update
                ? "UPDATE default_prices_applied SET checksum = :checksum, applied_at = :now WHERE default_key = :key"
                : "INSERT INTO default_prices_applied (default_key, checksum, applied_at) VALUES (:key, :checksum, :now)";
        jdbc.sql(sql)
                .param("key", entry.key())
                .param("checksum", entry.checksum())
                .param("now", Timestamp.from(now))
                .update();
    }
}
