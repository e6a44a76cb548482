package dev.promptengine.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import dev.promptengine.schemas.Topics;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IngestIntegrationTests extends IngestServiceTestBase {

    @Test
    void publishesAUsageStampedWithTheCallersTenantAndKeyedByItsId() {
        // Given
        UUID id = UUID.randomUUID();
        var before = topics.snapshot();

        // When
        var response =
                api.postJson("/v1/usages", PUBLISHER_KEY, Events.usage(id).toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(response.json().get("ids").get(0).asString()).isEqualTo(id.toString());
        var record = single(topics.awaitRecordsSince(before, records -> !records.isEmpty()));
        assertThat(record.topic()).isEqualTo(Topics.USAGE.name());
        assertThat(record.key()).isEqualTo(id.toString());
        var usage = (PromptUsage) record.value();
        assertThat(usage.getId()).isEqualTo(id);
        assertThat(usage.getTenant()).isEqualTo("acme");
        assertThat(usage.getOccurredAt()).isEqualTo(Events.USAGE_TIME);
        assertThat(usage.getReceivedAt()).isAfter(Instant.now().minusSeconds(120));
        assertThat(usage.getPromptSlug()).isEqualTo("support-reply");
        assertThat(usage.getPromptVersion()).isEqualTo(3);
        assertThat(usage.getEnvironment()).isEqualTo("production");
        assertThat(usage.getSessionId()).isEqualTo("sess-42");
        assertThat(usage.getUserIdentifier()).isEqualTo("user-1234");
        assertThat(usage.getParameters()).isEqualTo("{\"customer_name\":\"Ada\",\"issue\":\"refund\"}");
        assertThat(usage.getRenderedContent()).isEqualTo("Write a friendly reply to Ada about a refund.");
        assertThat(usage.getMetadata()).isEqualTo("{\"app\":\"helpdesk\"}");
        assertThat(usage.getCaptureMode()).isEqualTo(CaptureMode.REDACTED);
        assertThat(usage.getRedactions()).isEmpty();
    }

    @Test
    void publishesAnExecutionKeyedByItsUsageIdWithEveryField() {
        // Given
        UUID usageId = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        var body = Events.execution(id, usageId)
                .put("environment", "staging")
                .put("session_id", "sess-7")
                .put("user_identifier", "user-7")
                .put("status", "error")
                .put("error_message", "Rate limit reached for gpt-4o");
        var before = topics.snapshot();

        // When
        var response = api.postJson("/v1/executions", PUBLISHER_KEY, body.toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        var record = single(topics.awaitRecordsSince(before, records -> !records.isEmpty()));
        assertThat(record.topic()).isEqualTo(Topics.EXECUTION.name());
        assertThat(record.key()).isEqualTo(usageId.toString());
        var execution = (LlmExecution) record.value();
        assertThat(execution.getId()).isEqualTo(id);
        assertThat(execution.getUsageId()).isEqualTo(usageId);
        assertThat(execution.getTenant()).isEqualTo("acme");
        assertThat(execution.getEnvironment()).isEqualTo("staging");
        assertThat(execution.getSessionId()).isEqualTo("sess-7");
        assertThat(execution.getUserIdentifier()).isEqualTo("user-7");
        assertThat(execution.getProvider()).isEqualTo("openai");
        assertThat(execution.getModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(execution.getTemperature()).isEqualTo(0.7);
        assertThat(execution.getMaxTokens()).isEqualTo(512);
        assertThat(execution.getMessages()).hasSize(2);
        assertThat(execution.getMessages().get(1).getRole()).isEqualTo("user");
        assertThat(execution.getInputTokens()).isEqualTo(42);
        assertThat(execution.getOutputTokens()).isEqualTo(11);
        assertThat(execution.getTotalTokens()).isEqualTo(53); // derived when absent
        assertThat(execution.getCachedInputTokens()).isEqualTo(10);
        assertThat(execution.getCacheWriteTokens()).isEqualTo(5);
        assertThat(execution.getReasoningTokens()).isEqualTo(3);
        assertThat(execution.getExecutionTimeMs()).isEqualTo(812);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(execution.getErrorMessage()).isEqualTo("Rate limit reached for gpt-4o");
        assertThat(execution.getResponseMetadata()).isEqualTo("{\"finish_reason\":\"stop\"}");
    }

    @Test
    void carriesTheCostTheProviderReportedExactlyFromTheFieldOrTheProvidersUsageObject() {
        var before = topics.snapshot();
        var stated =
                Events.execution(UUID.randomUUID(), UUID.randomUUID()).put("provider_cost_usd", "0.000000000000000735");
        var openRouter = Events.execution(UUID.randomUUID(), UUID.randomUUID());
        openRouter.putObject("response_metadata").putObject("usage").put("cost", 0.00123);
        var neither = Events.execution(UUID.randomUUID(), UUID.randomUUID());

        for (var body : List.of(stated, openRouter, neither)) {
            assertThat(api.postJson("/v1/executions", PUBLISHER_KEY, body.toString())
                            .status())
                    .isEqualTo(202);
        }

        var records = topics.awaitRecordsSince(before, r -> r.size() == 3);
        java.util.Map<UUID, java.math.BigDecimal> costs = new java.util.HashMap<>();
        records.forEach(
                r -> costs.put(((LlmExecution) r.value()).getId(), ((LlmExecution) r.value()).getProviderCost()));
        assertThat(costs.get(UUID.fromString(stated.get("id").asString())))
                .isEqualTo(new java.math.BigDecimal("0.000000000000000735"));
        assertThat(costs.get(UUID.fromString(openRouter.get("id").asString()))).isEqualByComparingTo("0.00123");
        assertThat(costs.get(UUID.fromString(neither.get("id").asString()))).isNull();
    }

    @Test
    void defaultsEnvironmentToProductionAndGeneratesIdsWhenAbsent() {
        // Given
        var usage = Events.usage();
        usage.remove("id");
        usage.remove("environment");
        usage.remove("occurred_at");
        var before = topics.snapshot();

        // When
        var response = api.postJson("/v1/usages", PUBLISHER_KEY, usage.toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        String generated = response.json().get("ids").get(0).asString();
        var published = (PromptUsage) single(topics.awaitRecordsSince(before, records -> !records.isEmpty()))
                .value();
        assertThat(published.getId()).hasToString(generated);
        assertThat(published.getEnvironment()).isEqualTo("production");
        assertThat(published.getOccurredAt()).isAfter(Instant.now().minusSeconds(120));
    }

    @Test
    void publishesABatchAsOneTransactionAndFillsExecutionContextFromItsUsage() {
        // Given
        UUID usageId = UUID.randomUUID();
        var usage = Events.usage(usageId).put("environment", "staging").put("session_id", "sess-9");
        var execution = Events.execution(usageId);
        execution.remove("environment");
        execution.remove("session_id");
        var secondUsage = Events.usage();
        var before = topics.snapshot();

        // When
        var response = api.postJson(
                "/v1/events",
                PUBLISHER_KEY,
                Events.batch(usage, execution, secondUsage).toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.json().get("accepted").asInt()).isEqualTo(3);
        assertThat(texts(response.json().get("ids")))
                .containsExactly(
                        usageId.toString(),
                        secondUsage.get("id").asString(),
                        execution.get("id").asString());
        var records = topics.awaitRecordsSince(before, found -> found.size() == 3);
        var published = records.stream()
                .filter(r -> r.value() instanceof LlmExecution)
                .map(r -> (LlmExecution) r.value())
                .findFirst()
                .orElseThrow();
        assertThat(published.getEnvironment()).isEqualTo("staging");
        assertThat(published.getSessionId()).isEqualTo("sess-9");
        assertThat(published.getUserIdentifier()).isEqualTo("user-1234");
        assertThat(records).filteredOn(r -> r.key().equals(usageId.toString())).hasSize(2);
    }

    @Test
    void stampsTheTenantOfTheKeyAndRefusesATenantInTheBody() {
        // Given
        var before = topics.snapshot();
        var usage = Events.usage();

        // When
        var otherTenant = api.postJson("/v1/usages", OTHER_TENANT_PUBLISHER_KEY, usage.toString());
        var chosenTenant = api.postJson(
                "/v1/usages",
                PUBLISHER_KEY,
                Events.usage().put("tenant", "globex").toString());

        // Then
        assertThat(otherTenant.status()).isEqualTo(202);
        var published = (PromptUsage) single(topics.awaitRecordsSince(before, records -> !records.isEmpty()))
                .value();
        assertThat(published.getTenant()).isEqualTo("globex");
        assertThat(chosenTenant.status()).isEqualTo(400);
        assertThat(chosenTenant.body()).contains("the tenant comes from the API key");
    }

    @Test
    void theSameClientIdTwiceGivesTheSameEventIdAndKey() {
        // Given
        UUID usageId = UUID.randomUUID();
        UUID executionId = UUID.randomUUID();
        String body = Events.batch(Events.usage(usageId), Events.execution(executionId, usageId))
                .toString();
        var before = topics.snapshot();

        // When
        var first = api.postJson("/v1/events", PUBLISHER_KEY, body);
        var retry = api.postJson(
                "/v1/events",
                PUBLISHER_KEY,
                body.replace(usageId.toString(), usageId.toString().toUpperCase()));

        // Then: downstream dedupes on (tenant, event id); both deliveries carry the same pair
        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().get("ids")).isEqualTo(first.json().get("ids"));
        var records = topics.awaitRecordsSince(before, found -> found.size() == 4);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(usageId.toString()));
        assertThat(records.stream().map(r -> tenantAndId(r.value())).distinct())
                .containsExactlyInAnyOrder("acme/" + usageId, "acme/" + executionId);
    }

    @Test
    void answers401WithoutOrWithAnUnknownKeyAnd403ForAnAnalystKey() {
        // Given
        String body = Events.usage().toString();
        var before = topics.rawEndOffsets();

        // When
        var withoutKey = api.postJson("/v1/usages", null, body);
        var unknownKey = api.postJson("/v1/executions", "pe_not_a_key", body);
        var analyst = api.postJson(
                "/v1/events", ANALYST_KEY, Events.batch(Events.usage()).toString());

        // Then
        assertThat(withoutKey.status()).isEqualTo(401);
        assertThat(withoutKey.body()).contains("https://promptengine.dev/problems/unauthorized");
        assertThat(unknownKey.status()).isEqualTo(401);
        assertThat(analyst.status()).isEqualTo(403);
        assertThat(analyst.body()).contains("https://promptengine.dev/problems/forbidden");
        assertThat(topics.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void servesAnOpenApiDocumentWithRequestExamplesAndSwaggerUi() {
        // When
        var document = api.get("/v3/api-docs", null);
        var ui = api.get("/swagger-ui/index.html", null);

        // Then
        assertThat(document.status()).isEqualTo(200);
        JsonNode paths = document.json().get("paths");
        assertThat(texts(paths.propertyNames())).contains("/v1/usages", "/v1/executions", "/v1/events", "/v1/traces");
        JsonNode traces = paths.get("/v1/traces").get("post");
        assertThat(texts(traces.get("requestBody").get("content").propertyNames()))
                .containsExactlyInAnyOrder("application/x-protobuf", "application/json");
        assertThat(traces.get("responses").get("200").get("description").asString())
                .contains("partial_success");
        JsonNode batch = paths.get("/v1/events").get("post");
        assertThat(batch.get("requestBody").toString()).contains("usage and its execution");
        assertThat(document.body()).contains("\"prompt_slug\"", "\"cache_write_tokens\"", "bearer");
        assertThat(batch.get("parameters")).isNull(); // the Caller is not a request parameter
        assertThat(ui.status()).isEqualTo(200);
    }

    @Test
    void exposesAcceptedRejectedAndLatencyMetricsForPrometheus() {
        // Given
        api.postJson("/v1/usages", PUBLISHER_KEY, Events.usage().toString());
        api.postJson(
                "/v1/usages",
                PUBLISHER_KEY,
                Events.usage().put("prompt_version", -1).toString());

        // When
        var metrics = api.get("/actuator/prometheus", ADMIN_KEY);

        // Then
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("promptengine_ingest_events_accepted_total\\{[^}]*type=\"usage\"[^}]*} [1-9]")
                .containsPattern(
                        "promptengine_ingest_events_rejected_total\\{[^}]*reason=\"validation-failed\"[^}]*} [1-9]")
                .contains("promptengine_ingest_produce_latency_seconds_bucket");
    }

    private static String tenantAndId(SpecificRecord value) {
        if (value instanceof PromptUsage usage) {
            return usage.getTenant() + "/" + usage.getId();
        }
        var execution = (LlmExecution) value;
        return execution.getTenant() + "/" + execution.getId();
    }

    private static List<String> texts(JsonNode array) {
        var texts = new java.util.ArrayList<String>();
        array.forEach(node -> texts.add(node.asString()));
        return texts;
    }

    private static List<String> texts(java.util.Collection<String> names) {
        return List.copyOf(names);
    }

    private static ConsumerRecord<String, SpecificRecord> single(List<ConsumerRecord<String, SpecificRecord>> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
