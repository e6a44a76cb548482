package dev.promptengine.analytics.drilldown;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One execution as listed by the drill-down and written by the export. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExecutionRow(
        UUID id,
        Instant occurredAt,
        UUID usageId,
        @Schema(example = "summarize-ticket") String promptSlug,
        @Schema(example = "3") int promptVersion,
        @Schema(example = "production") String environment,
        @Schema(example = "openai") String provider,
        @Schema(example = "gpt-4o") String model,
        @Schema(example = "user-42") String userIdentifier,
        @Schema(example = "session-7") String sessionId,
        @Schema(example = "error") String status,
        @Schema(example = "rate_limit") String errorType,
        @Schema(example = "Rate limit exceeded (429)") String errorMessage,
        @Schema(example = "812") long inputTokens,
        @Schema(example = "164") long outputTokens,
        @Schema(example = "976") long totalTokens,
        @Schema(example = "0") long cachedInputTokens,
        @Schema(example = "0") long reasoningTokens,
        @Schema(example = "1830") long executionTimeMs,
        @Schema(example = "priced") String pricingStatus,

        @Schema(description = "Exact USD decimal string; null when unpriced", example = "0.00367")
        String totalCost,

        @Schema(
                description =
                        "True when the error message was stored encrypted and was decrypted for this answer (audited)")
        boolean contentSealed,

        @Schema(
                description =
                        "Why an encrypted error message could not be shown (it is then null), e.g. 'shredded: ...'")
        String contentError) {}
