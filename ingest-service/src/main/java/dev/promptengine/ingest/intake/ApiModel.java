package dev.promptengine.ingest.intake;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The request bodies as the OpenAPI document describes them. Requests are read by {@link EventReader}
 * (which reports every bad field at once); these records only document the contract.
 */
final class ApiModel {

    static final String USAGE = """
            {
              "id": "0b6f1c52-3f0a-4e8e-9a57-1f2d3c4b5a69",
              "occurred_at": "2026-11-27T10:15:30Z",
              "prompt_id": "support-reply",
              "prompt_slug": "support-reply",
              "prompt_version": 3,
              "environment": "production",
              "session_id": "sess-42",
              "user_identifier": "user-1234",
              "parameters": {"customer_name": "Ada", "issue": "refund"},
              "rendered_content": "Write a friendly reply to Ada about a refund.",
              "rendered_system_message": "You are a helpful support agent.",
              "metadata": {"app": "helpdesk", "region": "eu"}
            }
            """;

    static final String EXECUTION = """
            {
              "id": "5d0c8a9e-7b1f-4c2d-8e3a-9f4b5c6d7e8f",
              "usage_id": "0b6f1c52-3f0a-4e8e-9a57-1f2d3c4b5a69",
              "occurred_at": "2026-11-27T10:15:31Z",
              "prompt_slug": "support-reply",
              "prompt_version": 3,
              "provider": "openai",
              "model": "gpt-4o-2024-08-06",
              "temperature": 0.7,
              "max_tokens": 512,
              "messages": [
                {"role": "system", "content": "You are a helpful support agent."},
                {"role": "user", "content": "Write a friendly reply to Ada about a refund."}
              ],
              "response_content": "Hi Ada, your refund is on its way.",
              "input_tokens": 42,
              "output_tokens": 11,
              "total_tokens": 53,
              "cached_input_tokens": 0,
              "reasoning_tokens": 0,
              "execution_time_ms": 812,
              "status": "success",
              "response_metadata": {"finish_reason": "stop"}
            }
            """;

    static final String BATCH = """
            {
              "usages": [
                {"id": "0b6f1c52-3f0a-4e8e-9a57-1f2d3c4b5a69", "occurred_at": "2026-11-27T10:15:30Z",
                 "prompt_slug": "support-reply", "prompt_version": 3, "environment": "staging", "rendered_content": "Write a friendly reply to Ada about a refund."}
              ],
              "executions": [
                {"id": "5d0c8a9e-7b1f-4c2d-8e3a-9f4b5c6d7e8f", "usage_id": "0b6f1c52-3f0a-4e8e-9a57-1f2d3c4b5a69",
                 "occurred_at": "2026-11-27T10:15:31Z", "prompt_slug": "support-reply", "prompt_version": 3, "provider": "anthropic",
                 "model": "claude-sonnet-4-5", "input_tokens": 42, "output_tokens": 11,
                 "execution_time_ms": 930, "status": "success"}
              ]
            }
            """;

    static final String PROBLEM = """
            {
              "type": "https://promptengine.dev/problems/validation-failed",
              "title": "Bad Request",
              "status": 400,
              "detail": "The request has 1 invalid field(s); nothing was published",
              "errors": [{"index": 3, "field": "executions[3].input_tokens", "reason": "must be >= 0"}]
            }
            """;

    @Schema(name = "Usage", description = "A prompt was rendered")
    record Usage(
            @Schema(description = "Idempotency key; generated when absent", format = "uuid")
            String id,

            @JsonProperty("occurred_at")
            @Schema(
                    description = "Event time, ISO-8601 with offset; defaults to now, required when id is"
                            + " sent; at most max-event-age (90 d) old and max-clock-skew (5 min) ahead",
                    format = "date-time")
            String occurredAt,

            @JsonProperty("prompt_id") String promptId,

            @JsonProperty("prompt_slug") @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String promptSlug,

            @JsonProperty("prompt_version") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1")
            Integer promptVersion,

            @Schema(defaultValue = "production") String environment,
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("user_identifier") String userIdentifier,

            @Schema(description = "Template parameters; sensitive keys are always dropped")
            Map<String, Object> parameters,

            @JsonProperty("rendered_content") String renderedContent,
            @JsonProperty("rendered_system_message") String renderedSystemMessage,
            Map<String, Object> metadata) {}

    @Schema(name = "Message")
    record Message(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "user")
            String role,

            String content) {}

    @Schema(name = "Execution", description = "An LLM call finished")
    record Execution(
            @Schema(description = "Idempotency key; generated when absent", format = "uuid")
            String id,

            @JsonProperty("usage_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uuid")
            String usageId,

            @JsonProperty("occurred_at")
            @Schema(
                    description = "Event time, ISO-8601 with offset; defaults to now, required when id is"
                            + " sent; at most max-event-age (90 d) old and max-clock-skew (5 min) ahead",
                    format = "date-time")
            String occurredAt,

            @JsonProperty("prompt_slug") @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String promptSlug,

            @JsonProperty("prompt_version") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1")
            Integer promptVersion,

            @Schema(description = "Defaults to the usage's when the same batch carries it, else production")
            String environment,

            @JsonProperty("session_id") String sessionId,
            @JsonProperty("user_identifier") String userIdentifier,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "openai")
            String provider,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "gpt-4o")
            String model,

            @Schema(minimum = "0", maximum = "2") Double temperature,

            @JsonProperty("max_tokens") @Schema(minimum = "1")
            Integer maxTokens,

            List<Message> messages,
            @JsonProperty("response_content") String responseContent,

            @JsonProperty("input_tokens") @Schema(minimum = "0", description = "All prompt tokens, cached included")
            Long inputTokens,

            @JsonProperty("output_tokens")
            @Schema(minimum = "0", description = "All completion tokens, reasoning included")
            Long outputTokens,

            @JsonProperty("total_tokens") @Schema(description = "input_tokens + output_tokens; derived when absent")
            Long totalTokens,

            @JsonProperty("cached_input_tokens") @Schema(minimum = "0", description = "<= input_tokens")
            Long cachedInputTokens,

            @JsonProperty("cache_write_tokens")
            @Schema(minimum = "0", description = "cached + cache write <= input_tokens")
            Long cacheWriteTokens,

            @JsonProperty("reasoning_tokens") @Schema(minimum = "0", description = "<= output_tokens")
            Long reasoningTokens,

            @JsonProperty("execution_time_ms") @Schema(minimum = "0")
            Long executionTimeMs,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"success", "error", "timeout"})
            String status,

            @JsonProperty("error_message") String errorMessage,

            @JsonProperty("response_metadata")
            @Schema(
                    description = "Object; when provider_cost_usd is absent, a number at usage.cost (the provider's"
                            + " own usage object, as OpenRouter reports it) is taken as the reported cost")
            Map<String, Object> responseMetadata,

            @JsonProperty("provider_cost_usd")
            @Schema(
                    description = "The cost the provider reported for this call, USD: a decimal string keeps every"
                            + " digit (a JSON number is exact to about 15 significant digits); 0 to 100000, at most"
                            + " 18 fractional digits. By default it is the execution's cost, the catalog's kept beside"
                            + " it (docs/pricing.md, \"Reported cost\")",
                    example = "0.000735",
                    type = "string")
            String providerCostUsd) {}

    @Schema(name = "Batch", description = "Usages and executions published all or nothing")
    record Batch(List<Usage> usages, List<Execution> executions) {}

    private ApiModel() {}
}
