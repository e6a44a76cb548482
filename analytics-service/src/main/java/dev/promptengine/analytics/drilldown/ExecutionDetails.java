package dev.promptengine.analytics.drilldown;

import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.Numbers;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** One execution with its usage, messages, response and cost breakdown (content may have expired). */
@Component
class ExecutionDetails {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ExecutionDetail(
            UUID id,
            Instant occurredAt,
            Instant receivedAt,
            @Schema(example = "summarize-ticket") String promptSlug,
            @Schema(example = "3") int promptVersion,
            @Schema(example = "production") String environment,
            @Schema(example = "openai") String provider,
            @Schema(example = "gpt-4o") String model,
            @Schema(example = "0.7") Double temperature,
            @Schema(example = "1024") Integer maxTokens,
            String userIdentifier,
            String sessionId,
            @Schema(example = "success") String status,
            @Schema(example = "none") String errorType,
            String errorMessage,
            Tokens tokens,
            @Schema(example = "1830") long executionTimeMs,

            @Schema(description = "Messages sent, [{role, content}]; null when content has expired or was not captured")
            JsonNode messages,

            String responseContent,
            JsonNode responseMetadata,
            @Schema(example = "full") String captureMode,
            JsonNode redactions,
            Cost cost,

            @Schema(description = "The usage (prompt render) this execution belongs to; null when not stored")
            Usage usage,

            @Schema(
                    description =
                            "True when the content was stored encrypted and was decrypted for this answer (audited)")
            boolean contentSealed,

            @Schema(
                    description = "Why encrypted content could not be shown, e.g. 'shredded: ...' after the tenant's"
                            + " keys were deleted; the content fields are then null",
                    example = "shredded: key-encryption key v1 of tenant acme does not exist (shredded?)")
            String contentError) {

        /** This execution with its sealed content fields as opened (or not, with the reason: the clear columns are empty). */
        ExecutionDetail withOpened(SealedReads.Opened opened) {
            return new ExecutionDetail(
                    id,
                    occurredAt,
                    receivedAt,
                    promptSlug,
                    promptVersion,
                    environment,
                    provider,
                    model,
                    temperature,
                    maxTokens,
                    userIdentifier,
                    sessionId,
                    status,
                    errorType,
                    opened.text("error_message"),
                    tokens,
                    executionTimeMs,
                    opened.node("messages"),
                    opened.text("response_content"),
                    opened.json("response_metadata", responseMetadata),
                    captureMode,
                    redactions,
                    cost,
                    usage,
                    true,
                    opened.error());
        }

        ExecutionDetail withUsage(Usage usage) {
            return new ExecutionDetail(
                    id,
                    occurredAt,
                    receivedAt,
                    promptSlug,
                    promptVersion,
                    environment,
                    provider,
                    model,
                    temperature,
                    maxTokens,
                    userIdentifier,
                    sessionId,
                    status,
                    errorType,
                    errorMessage,
                    tokens,
                    executionTimeMs,
                    messages,
                    responseContent,
                    responseMetadata,
                    captureMode,
                    redactions,
                    cost,
                    usage,
                    contentSealed,
                    contentError);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Tokens(long input, long output, long total, long cachedInput, long cacheWrite, long reasoning) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Cost(
            @Schema(example = "priced") String pricingStatus,
            @Schema(example = "USD") String currency,
            UUID priceId,
            @Schema(example = "exact") String matchedRule,
            @Schema(example = "0.00203") String inputCost,
            @Schema(example = "0") String cachedInputCost,
            @Schema(example = "0") String cacheWriteCost,
            @Schema(example = "0.00164") String outputCost,
            @Schema(example = "0") String reasoningCost,
            @Schema(example = "0.00367") String totalCost,
            boolean longContextApplied,
            Instant pricedAt,

            @Schema(description = "Version of the price row that priced it", example = "2")
            Integer priceVersion,

            @Schema(description = "default (the shared catalog) or tenant (the tenant's own row)", example = "default")
            String priceLayer,

            UUID discountId,

            @Schema(description = "Percent taken off the default price for the tenant", example = "22")
            String discountPercent,

            @Schema(
                    description = "What total_cost is: catalog, provider (the reported cost) or unknown (unpriced)",
                    example = "catalog")
            String costSource,

            @Schema(
                    description = "Cost computed from the catalog, kept also when the reported cost won",
                    example = "0.00367")
            String catalogCost,

            @Schema(description = "Cost the provider reported, kept also when the catalog won", example = "0.0037")
            String providerCost,

            @Schema(
                    description = "0 as priced at ingestion; each re-pricing correction raises it by one",
                    example = "0")
            int costRevision) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Usage(
            UUID id,
            Instant occurredAt,
            String promptId,
            String promptSlug,
            int promptVersion,
            String environment,
            String sessionId,
            String userIdentifier,
            JsonNode parameters,
            JsonNode metadata,
            String renderedContent,
            String renderedSystemMessage,
            String captureMode,
            boolean contentSealed,
            String contentError) {

        Usage withOpened(SealedReads.Opened opened) {
            return new Usage(
                    id,
                    occurredAt,
                    promptId,
                    promptSlug,
                    promptVersion,
                    environment,
                    sessionId,
                    userIdentifier,
                    opened.json("parameters", parameters),
                    opened.json("metadata", metadata),
                    opened.text("rendered_content"),
                    opened.text("rendered_system_message"),
                    captureMode,
                    true,
                    opened.error());
        }
    }

    private static final String DETAIL = """
            SELECT e.*, e.response_metadata::text AS response_metadata_json, e.redactions::text AS redactions_json,
                   c.messages::text AS messages_json, c.response_content, c.sealed AS sealed,
                   u.id AS u_id, u.occurred_at AS u_occurred_at, u.prompt_id AS u_prompt_id,
                   u.prompt_slug AS u_prompt_slug, u.prompt_version AS u_prompt_version,
                   u.environment AS u_environment, u.session_id AS u_session_id,
                   u.user_identifier AS u_user_identifier, u.parameters::text AS u_parameters,
                   u.metadata::text AS u_metadata, u.capture_mode AS u_capture_mode,
                   uc.rendered_content AS u_rendered_content, uc.rendered_system_message AS u_rendered_system_message,
                   uc.sealed AS u_sealed
            FROM execution_fact e
            LEFT JOIN execution_content c ON c.tenant = e.tenant AND c.id = e.id AND c.occurred_at = e.occurred_at
            LEFT JOIN usage_fact u ON u.tenant = e.tenant AND u.id = e.usage_id
            LEFT JOIN usage_content uc ON uc.tenant = u.tenant AND uc.id = u.id AND uc.occurred_at = u.occurred_at
            WHERE e.tenant = :tenant AND e.id = :id
            LIMIT 1""";

    private final JdbcClient jdbc;

    ExecutionDetails(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The execution; content stored sealed is opened through {@code reading}, or marked with why it cannot be. */
    Optional<ExecutionDetail> find(String tenant, UUID id, SealedReads.Reading reading) {
        return jdbc.sql(DETAIL)
                .param("tenant", tenant)
                .param("id", id)
                .query((rs, row) -> opened(rs, reading))
                .optional();
    }

    private static ExecutionDetail opened(ResultSet rs, SealedReads.Reading reading) throws SQLException {
        ExecutionDetail detail = detail(rs);
        byte[] sealed = rs.getBytes("sealed");
        if (sealed != null) {
            detail = detail.withOpened(reading.open(detail.id(), sealed));
        }
        byte[] usageSealed = rs.getBytes("u_sealed");
        if (usageSealed != null && detail.usage() != null) {
            Usage usage = detail.usage();
            detail = detail.withUsage(usage.withOpened(reading.open(usage.id(), usageSealed)));
        }
        return detail;
    }

    private static ExecutionDetail detail(ResultSet rs) throws SQLException {
        Usage usage = rs.getObject("u_id") == null
                ? null
                : new Usage(
                        rs.getObject("u_id", UUID.class),
                        instant(rs, "u_occurred_at"),
                        rs.getString("u_prompt_id"),
                        rs.getString("u_prompt_slug"),
                        rs.getInt("u_prompt_version"),
                        rs.getString("u_environment"),
                        rs.getString("u_session_id"),
                        rs.getString("u_user_identifier"),
                        json(rs.getString("u_parameters")),
                        json(rs.getString("u_metadata")),
                        rs.getString("u_rendered_content"),
                        rs.getString("u_rendered_system_message"),
                        rs.getString("u_capture_mode"),
                        false,
                        null);
        double temperature = rs.getDouble("temperature");
        Double temperatureOrNull = rs.wasNull() ? null : temperature;
        int maxTokens = rs.getInt("max_tokens");
        Integer maxTokensOrNull = rs.wasNull() ? null : maxTokens;
        return new ExecutionDetail(
                rs.getObject("id", UUID.class),
                instant(rs, "occurred_at"),
                instant(rs, "received_at"),
                rs.getString("prompt_slug"),
                rs.getInt("prompt_version"),
                rs.getString("environment"),
                rs.getString("provider"),
                rs.getString("model"),
                temperatureOrNull,
                maxTokensOrNull,
                rs.getString("user_identifier"),
                rs.getString("session_id"),
                rs.getString("status"),
                rs.getString("error_type"),
                rs.getString("error_message"),
                new Tokens(
                        rs.getLong("input_tokens"),
                        rs.getLong("output_tokens"),
                        rs.getLong("total_tokens"),
                        rs.getLong("cached_input_tokens"),
                        rs.getLong("cache_write_tokens"),
                        rs.getLong("reasoning_tokens")),
                rs.getLong("execution_time_ms"),
                json(rs.getString("messages_json")),
                rs.getString("response_content"),
                json(rs.getString("response_metadata_json")),
                rs.getString("capture_mode"),
                json(rs.getString("redactions_json")),
                new Cost(
                        rs.getString("pricing_status"),
                        rs.getString("currency"),
                        rs.getObject("price_id", UUID.class),
                        rs.getString("matched_rule"),
                        money(rs.getBigDecimal("input_cost")),
                        money(rs.getBigDecimal("cached_input_cost")),
                        money(rs.getBigDecimal("cache_write_cost")),
                        money(rs.getBigDecimal("output_cost")),
                        money(rs.getBigDecimal("reasoning_cost")),
                        money(rs.getBigDecimal("total_cost")),
                        rs.getBoolean("long_context_applied"),
                        instant(rs, "priced_at"),
                        (Integer) rs.getObject("price_version"),
                        rs.getString("price_layer"),
                        rs.getObject("discount_id", UUID.class),
                        rs.getBigDecimal("discount_percent") == null
                                ? null
                                : rs.getBigDecimal("discount_percent")
                                        .stripTrailingZeros()
                                        .toPlainString(),
                        rs.getString("cost_source"),
                        money(rs.getBigDecimal("catalog_cost")),
                        money(rs.getBigDecimal("provider_cost")),
                        rs.getInt("cost_revision")),
                usage,
                false,
                null);
    }

    private static String money(BigDecimal amount) {
        return amount == null ? null : Numbers.money(amount);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static JsonNode json(String text) {
        return text == null ? null : JSON.readTree(text);
    }
}
