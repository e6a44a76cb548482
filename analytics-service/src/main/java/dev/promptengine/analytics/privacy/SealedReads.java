package dev.promptengine.analytics.privacy;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.schemas.sealing.KeyUnavailableException;
import dev.promptengine.service.auth.Caller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way the query API opens stored sealed content: an answer starts a {@link Reading}, opens
 * each sealed record through it, and ends it with {@link Reading#audit}, which writes one
 * {@value #AUDIT_ENDPOINT} row naming the endpoint, the records opened (the first
 * {@value #LISTED_IDS} ids) and how many did not open and why. An answer that opened nothing
 * writes no such row.
 */
@Component
public class SealedReads {

    public static final String AUDIT_ENDPOINT = "READ sealed content";
    static final int LISTED_IDS = 100;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ContentKeys keys;
    private final AuditTrail audit;

    SealedReads(ContentKeys keys, AuditTrail audit) {
        this.keys = keys;
        this.audit = audit;
    }

    /** A reading for one answer to a caller of {@code tenant}. */
    public Reading start(String tenant) {
        return new Reading(tenant, null);
    }

    /**
     * A reading that opens nothing, for answers with no single caller to audit (the live channel
     * shares one query among its subscribers): each sealed record answers {@code reason}.
     */
    public Reading closed(String reason) {
        return new Reading(null, reason);
    }

    /** What one sealed record opened to: its content object, or why it did not open. */
    public record Opened(JsonNode content, String error) {

        /** A text member of the content ({@code rendered_content}, {@code error_message}, ...), or null. */
        public String text(String field) {
            JsonNode value = content == null ? null : content.get(field);
            return value == null || value.isNull() ? null : value.asString();
        }

        /** A member sealed as JSON text ({@code parameters}, {@code metadata}), parsed; or {@code otherwise}. */
        public JsonNode json(String field, JsonNode otherwise) {
            String text = text(field);
            return text == null ? (content != null && content.has(field) ? null : otherwise) : JSON.readTree(text);
        }

        /** A member that is a JSON value in the content ({@code messages}), or null. */
        public JsonNode node(String field) {
            JsonNode value = content == null ? null : content.get(field);
            return value == null || value.isNull() ? null : value;
        }
    }

    /** The sealed records one answer opens; not thread-safe (one answer, one thread). */
    public final class Reading {

        private final String tenant;
        private final String closedReason;
        private final List<String> openedIds = new ArrayList<>();
        private long opened;
        private long failed;
        private String firstError;

        private Reading(String tenant, String closedReason) {
            this.tenant = tenant;
            this.closedReason = closedReason;
        }

        /**
         * Opens the stored sealed content of event {@code id}; a missing or wrong key gives an
         * {@link Opened} with the reason ({@code shredded: ...}, {@code wrong_key: ...}), never
         * garbage.
         */
        public Opened open(UUID id, byte[] stored) {
            if (closedReason != null) {
                return new Opened(null, closedReason);
            }
            try {
                JsonNode content = keys.open(tenant, id, stored);
                opened++;
                if (openedIds.size() < LISTED_IDS) {
                    openedIds.add(id.toString());
                }
                return new Opened(content, null);
            } catch (KeyUnavailableException e) {
                failed++;
                String error = e.reason() + ": " + e.getMessage();
                if (firstError == null) {
                    firstError = error;
                }
                return new Opened(null, error);
            }
        }

        /** How many sealed records this reading tried to open. */
        public long records() {
            return opened + failed;
        }

        /** Writes this answer's content-read row (nothing when it opened nothing). */
        public void audit(Caller caller, String endpoint) {
            if (records() == 0) {
                return;
            }
            var details = new LinkedHashMap<String, Object>();
            details.put("endpoint", endpoint);
            details.put("opened", opened);
            details.put("ids", openedIds);
            details.put("ids_truncated", opened > openedIds.size());
            details.put("not_opened", failed);
            if (firstError != null) {
                details.put("first_error", firstError);
            }
            audit.record(caller, AUDIT_ENDPOINT, details, records());
        }
    }
}
